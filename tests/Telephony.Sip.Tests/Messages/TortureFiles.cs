namespace Telephony.Sip.Tests.Messages;

/// <summary>Locates /shared/sip-torture: env TELEPHONY_SHARED, or walking up from the test's base directory.</summary>
internal static class TortureFiles
{
    private static readonly Lazy<string> Dir = new(Locate);

    public static string Directory => Dir.Value;

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name + ".dat"));

    public static IEnumerable<string> All() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.dat").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static byte[] BenchInvite() => File.ReadAllBytes(Path.Combine(Directory, "..", "bench", "invite.txt"));

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("TELEPHONY_SHARED");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(Path.Combine(env, "sip-torture")))
            return Path.Combine(env, "sip-torture");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "sip-torture");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/sip-torture not found above " + AppContext.BaseDirectory + " (set TELEPHONY_SHARED)");
    }
}
