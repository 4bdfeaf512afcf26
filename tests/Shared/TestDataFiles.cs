namespace Telephony.Tests.Shared;

/// <summary>
/// Test data that ships with the repository: each project's <c>TestData/</c> folder (and
/// <c>tests/Shared/TestData/</c>, linked in) is copied next to the binaries by its csproj, so a
/// fresh clone needs nothing outside itself. Linked into every project that reads such data.
/// </summary>
internal static class TestDataFiles
{
    /// <summary>The path of <c>TestData/{parts}</c> beside the running assembly; throws naming it when missing.</summary>
    public static string PathOf(params string[] parts)
    {
        var path = Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException("Test data missing: is it listed with CopyToOutputDirectory in the csproj?", path);
        }

        return path;
    }

    /// <summary>The bytes of <c>TestData/{parts}</c>, exactly as committed (.gitattributes keeps git from touching line ends).</summary>
    public static byte[] Read(params string[] parts) => File.ReadAllBytes(PathOf(parts));
}
