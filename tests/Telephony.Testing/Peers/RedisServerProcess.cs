using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telephony.Testing.Peers;

/// <summary>
/// A redis-server of a test's own (never the shared one), without persistence as a cache-style
/// deployment runs it, on a loopback port from 6400-6409. A test stops it with SHUTDOWN NOSAVE and
/// starts it again on the same port: everything in it is gone, as after a real restart. A test may name
/// another port range (the multi-node drills use their own).
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private const int FirstPort = 6400;
    private const int LastPort = 6409;
    private PeerProcess? _process;

    private RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    /// <summary>host:port for a client's configuration string.</summary>
    public string EndPoint => "127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts one on the first free port of <paramref name="firstPort"/>-<paramref name="lastPort"/> (default 6400-6409).</summary>
    public static async Task<RedisServerProcess> StartAsync(int firstPort = FirstPort, int lastPort = LastPort)
    {
        for (var port = firstPort; port <= lastPort; port++)
        {
            if (!IsFree(port))
            {
                continue;
            }
            var redis = new RedisServerProcess(port);
            if (await redis.TryStartAsync())
            {
                return redis;
            }
            await redis.DisposeAsync();
        }
        throw new InvalidOperationException($"no free port for a test redis-server in {firstPort}-{lastPort}");
    }

    /// <summary>Starts it again on its port (after <see cref="StopAsync"/>), empty.</summary>
    public async Task StartAgainAsync()
    {
        if (!await TryStartAsync())
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}: {_process?.Output}");
        }
    }

    /// <summary>SHUTDOWN NOSAVE: the server exits at once and keeps nothing.</summary>
    public async Task StopAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var command = Encoding.ASCII.GetBytes("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
            await client.GetStream().WriteAsync(command);
            var buffer = new byte[64];
            _ = await client.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)); // 0: closed by the exiting server
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_process is { HasExited: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops, then starts again on the same port: a restart without persistence.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    private async Task<bool> TryStartAsync()
    {
        _process?.Dispose();
        _process = PeerProcess.Start(Binary,
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
        ]);
        return await _process.WaitForAsync("Ready to accept connections", TimeSpan.FromSeconds(10)) && !_process.HasExited;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await StopAsync();
        }
        _process?.Dispose();
        _process = null;
    }
}
