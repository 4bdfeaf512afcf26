using Microsoft.Extensions.Configuration;
using Telephony.Server.Hosting;

namespace Telephony.Server.Tests.Operations;

/// <summary>
/// What the server keeps (cases database, recordings, token keys, SMS outbox) resolves against one data folder,
/// not against the build output: a Debug and a Release build, or the next version, find the same data.
/// </summary>
public sealed class DataFolderTests
{
    [Test]
    public void Without_a_setting_the_data_folder_is_data_under_the_working_directory()
    {
        var configuration = Configuration([]);
        Assert.That(ServerPaths.DataFolder(configuration), Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "data")));
    }

    [Test]
    public void Relative_paths_of_kept_files_are_taken_from_the_data_folder()
    {
        var data = Path.Combine(Path.GetTempPath(), "telephony-data");
        var configuration = Configuration(new() { ["DataFolder"] = data });
        Assert.That(ServerPaths.InDataFolder(configuration, "recordings"), Is.EqualTo(Path.Combine(data, "recordings")));
        Assert.That(ServerPaths.InDataFolder(configuration, "keys"), Is.EqualTo(Path.Combine(data, "keys")));
        Assert.That(ServerPaths.InDataFolder(configuration, "cases.db"), Is.EqualTo(Path.Combine(data, "cases.db")));
    }

    [Test]
    public void An_absolute_path_is_kept_as_configured()
    {
        var configuration = Configuration(new() { ["DataFolder"] = "/var/lib/telephony" });
        Assert.That(ServerPaths.InDataFolder(configuration, "/srv/recordings"), Is.EqualTo("/srv/recordings"));
    }

    [Test]
    public void A_relative_data_folder_is_taken_from_the_working_directory()
    {
        var configuration = Configuration(new() { ["DataFolder"] = "state" });
        Assert.That(ServerPaths.InDataFolder(configuration, "recordings"), Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "state", "recordings")));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
