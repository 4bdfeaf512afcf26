using Telephony.Ivr;
using Telephony.Server.Agents;
using Telephony.Server.Security;
using Telephony.Server.Sip;

namespace Telephony.Server.Hosting;

/// <summary>
/// <c>--check</c>: loads what the server would load at start — every settings section (already checked when the
/// builder bound them), the data folder (created if missing, and written to), the seats, users and agents files
/// and the IVR script — prints one line per item
/// (<c>ok</c> or <c>error</c> with the file and the problem) and exits 0 when all are fine, 1 otherwise, without
/// binding a port or touching Redis or the database.
/// </summary>
public static class StartupCheck
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--check";

    /// <summary>True when <paramref name="args"/> ask for the check.</summary>
    public static bool Requested(IReadOnlyList<string> args) => args.Contains(Switch, StringComparer.Ordinal);

    /// <summary>The arguments for the host, without the switch (the command-line configuration would read it as a key).</summary>
    public static string[] HostArguments(IEnumerable<string> args) => [.. args.Where(a => a != Switch)];

    /// <summary>Runs the checks against the built app's services; returns the exit code.</summary>
    public static int Run(IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("ok    settings: every section read and in range");
        int errors = 0;
        errors += Item(output, "data folder", () => WritableDataFolder(services.GetRequiredService<IConfiguration>()));
        errors += Item(output, "seats", () => $"{services.GetRequiredService<SeatDirectory>().Extensions.Count} seat(s)");
        errors += Item(output, "users", () => $"{services.GetRequiredService<UserDirectory>().Users.Count()} user(s)");
        errors += Item(output, "agents", () =>
        {
            var staff = services.GetRequiredService<Administration.StaffCatalog>();
            return $"{staff.Agents.All.Count} agent(s), {staff.Queues.Count} queue(s)";
        });
        errors += Item(output, "script", () =>
        {
            var scripts = services.GetRequiredService<IvrScriptProvider>();
            return $"{scripts.Path}: {scripts.Current!.Nodes.Count} node(s)";
        });
        output.WriteLine(errors == 0 ? "check passed" : $"check failed: {errors} error(s)");
        return errors == 0 ? 0 : 1;
    }

    // The one thing a first start on a new machine most often gets wrong (a folder the service user cannot
    // write): found here rather than by the first recording or the database's first migration.
    private static string WritableDataFolder(IConfiguration configuration)
    {
        var folder = ServerPaths.DataFolder(configuration);
        if (File.Exists(folder))
        {
            throw new IOException($"{folder} is a file; {ServerPaths.DataFolderKey} must name a folder");
        }
        Directory.CreateDirectory(folder);
        var probe = Path.Combine(folder, $".check-{Environment.ProcessId}");
        File.WriteAllText(probe, string.Empty);
        File.Delete(probe);
        return $"{folder} (writable)";
    }

    private static int Item(TextWriter output, string what, Func<string> load)
    {
        try
        {
            output.WriteLine($"ok    {what}: {load()}");
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.WriteLine($"error {what}: {Innermost(e).Message}");
            return 1;
        }
    }

    private static Exception Innermost(Exception e) => e is AggregateException { InnerException: { } inner } ? Innermost(inner) : e;
}
