using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Telephony.Cases.Tests;

/// <summary>
/// A PostgreSQL server of a test's own (never the shared one on 5440), as <c>.ci/services</c> starts that one:
/// Debian's newest <c>initdb</c> into a temporary folder, <c>pg_ctl</c> with the socket in that folder, trust
/// authentication, fsync off, on the first free loopback port of the range the test names. Run as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses root). A test restarts it as an operator
/// does (<c>pg_ctl stop -m fast</c>: sessions are ended, committed data kept) and removes it on dispose.
/// </summary>
public sealed class PostgresServerProcess : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _data;

    private PostgresServerProcess(string folder, int port)
    {
        _folder = folder;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    public int Port { get; }

    /// <summary>A pooled connection to its <c>postgres</c> database (5 s to connect).</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5");

    private static string Bin => Directory.GetDirectories("/usr/lib/postgresql")
        .OrderBy(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Last() + "/bin/";

    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>Creates and starts one on the first free port of <paramref name="firstPort"/>-<paramref name="lastPort"/>.</summary>
    public static async Task<PostgresServerProcess> StartAsync(int firstPort, int lastPort)
    {
        var port = Enumerable.Range(firstPort, lastPort - firstPort + 1).FirstOrDefault(IsFree);
        if (port == 0)
        {
            throw new InvalidOperationException($"no free port for a test PostgreSQL in {firstPort}-{lastPort}");
        }
        var server = new PostgresServerProcess(Directory.CreateTempSubdirectory("telephony-pg-").FullName, port);
        if (AsRoot)
        {
            await RunAsync("chown", ["postgres", server._folder], asPostgres: false);
        }
        await RunAsync(Bin + "initdb", ["-D", server._data, "-A", "trust", "-U", "postgres", "--no-sync"], AsRoot);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts it (again) and waits until it takes connections.</summary>
    public Task StartAgainAsync() => RunAsync(Bin + "pg_ctl",
    [
        "-D", _data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
        "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off"), "start",
    ], AsRoot);

    /// <summary>A fast shutdown (what <c>systemctl restart postgresql</c> does): every session is ended, committed data stays.</summary>
    public Task StopAsync() => RunAsync(Bin + "pg_ctl", ["-D", _data, "-m", "fast", "-w", "stop"], AsRoot);

    /// <summary>Stops, then starts again on the same data and port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Its log so far (for a failing test's message).</summary>
    public string Log => File.Exists(Path.Combine(_folder, "server.log")) ? File.ReadAllText(Path.Combine(_folder, "server.log")) : "";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Bin + "pg_ctl", ["-D", _data, "-m", "immediate", "-w", "stop"], AsRoot);
        }
        catch (InvalidOperationException)
        {
            // not running
        }
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(), // the postgres user may not enter the test's folder
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
