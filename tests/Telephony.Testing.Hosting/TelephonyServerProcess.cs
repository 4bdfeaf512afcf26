using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Telephony.Testing.Hosting;

/// <summary>
/// The server as a separate process (<c>dotnet exec Telephony.Server.dll</c>), for what an in-process host cannot
/// show: a node killed outright (SIGKILL, no shutdown code runs) and started again on the same data, or several
/// nodes side by side. Settings go on the command line; the SIP and HTTP ports are read from its log.
/// </summary>
public sealed partial class TelephonyServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _sipPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _http = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TelephonyServerProcess(Process process) => _process = process;

    /// <summary>The SIP UDP port the server bound (valid after <see cref="StartAsync"/>).</summary>
    public int SipPort { get; private set; }

    /// <summary>The HTTP base address (valid after <see cref="StartAsync"/>).</summary>
    public Uri Http { get; private set; } = null!;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>True while the process runs.</summary>
    public bool Running => !_process.HasExited;

    /// <summary>
    /// Starts the server built beside the test (<c>Telephony.Server.dll</c> next to the test assembly) with
    /// <paramref name="settings"/> as <c>--Key=Value</c> arguments, SIP on 127.0.0.1:0 and HTTP on 127.0.0.1:0 unless
    /// given, and waits until both listen (at most <paramref name="timeout"/>, default 120 s).
    /// </summary>
    public static async Task<TelephonyServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? timeout = null)
    {
        var start = StartInfo(settings, []);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new TelephonyServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            server._sipPort.TrySetException(new InvalidOperationException("the server exited: " + server.Output));
            server._http.TrySetException(new InvalidOperationException("the server exited: " + server.Output));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var wait = timeout ?? TimeSpan.FromSeconds(120); // a cold start on a busy test machine takes a while
        try
        {
            server.SipPort = await server._sipPort.Task.WaitAsync(wait);
            server.Http = await server._http.Task.WaitAsync(wait);
        }
        catch (TimeoutException e)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"the server did not listen within {wait.TotalSeconds} s; its output:\n{server.Output}", e);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>
    /// Starts two nodes side by side; when one fails to start, the other is stopped before the failure is thrown (left
    /// running, it would hold its addresses and fail every later run on this machine).
    /// </summary>
    public static async Task<(TelephonyServerProcess A, TelephonyServerProcess B)> StartBothAsync(
        IReadOnlyDictionary<string, string> settingsA, IReadOnlyDictionary<string, string> settingsB)
    {
        var startA = StartAsync(settingsA);
        var startB = StartAsync(settingsB);
        try
        {
            await Task.WhenAll(startA, startB);
        }
        catch
        {
            foreach (var started in new[] { startA, startB }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        return (startA.Result, startB.Result);
    }

    /// <summary>
    /// Runs the server to its end with <paramref name="settings"/> and <paramref name="arguments"/> (e.g. <c>--check</c>,
    /// or a bad setting) and returns its exit code and everything it wrote; fails after <paramref name="timeout"/> (default 120 s).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = StartInfo(settings, arguments) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = Path.Combine(AppContext.BaseDirectory, "Telephony.Server.dll");
        if (!File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new FileNotFoundException("Telephony.Server.dll with its runtimeconfig is not beside the tests: reference the server project", dll);
        }
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Sip:Udp"] = "127.0.0.1:0",
            ["Sip:Tcp"] = "",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            // Production, as the README's command runs it, with the shipped demo accounts: allowed as that command allows them.
            ["Security:AllowDemoCredentials"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        foreach (var (key, value) in all)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return start;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (line.Contains("SIP listening on", StringComparison.Ordinal) && SipListening().Match(line) is { Success: true } sip)
        {
            _sipPort.TrySetResult(int.Parse(sip.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        if (line.Contains("Now listening on", StringComparison.Ordinal) && HttpListening().Match(line) is { Success: true } http)
        {
            _http.TrySetResult(new Uri(http.Value.TrimEnd('/') + "/"));
        }
    }

    /// <summary>SIGKILL: the process ends at once, no shutdown code runs (a crash, as far as its data can tell).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGTERM (what <c>systemctl stop</c> sends): the server's graceful stop runs. Returns at once; see <see cref="WaitForExitAsync"/>.
    /// </summary>
    public async Task TerminateAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits until a line of its output contains <paramref name="text"/>; throws (with the output) after <paramref name="timeout"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no log line with '{text}' within {timeout.TotalSeconds} s:\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to end (at most <paramref name="timeout"/>) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    // Any loopback address: the multi-node tests give each node its own (127.0.0.2, 127.0.0.3, ...).
    [GeneratedRegex(@"udp:127\.\d+\.\d+\.\d+:(\d+)")]
    private static partial Regex SipListening();

    [GeneratedRegex(@"http://127\.\d+\.\d+\.\d+:\d+")]
    private static partial Regex HttpListening();
}
