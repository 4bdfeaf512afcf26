namespace Telephony.Media.Tests;

/// <summary>
/// Base of fixtures whose tests write files: each test gets a fresh folder under the temp path
/// (<see cref="TempDir"/>, named after the fixture), deleted with its contents after the test.
/// </summary>
public abstract class TempDirectoryTests
{
    protected string TempDir { get; private set; } = "";

    [SetUp]
    public void CreateTempDir() => TempDir = Directory.CreateTempSubdirectory("telephony-" + GetType().Name + "-").FullName;

    [TearDown]
    public void DeleteTempDir() => Directory.Delete(TempDir, recursive: true);
}
