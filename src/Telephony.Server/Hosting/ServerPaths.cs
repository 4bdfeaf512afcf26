namespace Telephony.Server.Hosting;

/// <summary>
/// The one place where configured file paths become absolute. Four rules, each for one kind of file:
/// data files shipped beside the server (seats, users, agents: the app's base directory), what the
/// server writes and must keep (recordings, the SQLite case database, token keys, the SMS outbox: the
/// data folder, <see cref="DataFolderKey"/>, so a Debug and a Release build, or a new version deployed
/// beside the old, use the same data), other output the operator names (the working directory), and
/// the IVR script (searched from the working directory, the content root and the app directory upwards,
/// so a run from a repository checkout finds <c>ivr-scripts/</c>). Absolute paths are taken as they are.
/// </summary>
public static class ServerPaths
{
    /// <summary>The configuration key of the data folder (top level: <c>--DataFolder=/var/lib/telephony</c>).</summary>
    public const string DataFolderKey = "DataFolder";

    /// <summary>The data folder when none is configured: <c>data</c> under the working directory.</summary>
    public const string DefaultDataFolder = "data";

    /// <summary>The data folder, absolute (relative settings are taken from the working directory).</summary>
    public static string DataFolder(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[DataFolderKey];
        return FromWorkingDirectory(string.IsNullOrWhiteSpace(configured) ? DefaultDataFolder : configured);
    }

    /// <summary>A file or folder the server keeps: relative to the data folder.</summary>
    public static string InDataFolder(IConfiguration configuration, string configured) =>
        Path.IsPathRooted(configured) ? configured : Path.Combine(DataFolder(configuration), configured);

    /// <summary>A file shipped with the server, relative to the app's base directory.</summary>
    public static string FromAppDirectory(string configured) =>
        Path.IsPathRooted(configured) ? configured : Path.Combine(AppContext.BaseDirectory, configured);

    /// <summary>A file or folder the server writes, relative to the working directory.</summary>
    public static string FromWorkingDirectory(string configured) => Path.GetFullPath(configured);

    /// <summary>The first existing <paramref name="configured"/> found from the working directory, the content root or the app directory, or any of their parents.</summary>
    public static string FindUpwards(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, configured);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return Path.GetFullPath(configured); // the loader names the missing file
    }
}
