using System.Globalization;
using System.Net;

namespace Telephony.Testing.Peers;

/// <summary>
/// Debian's kamailio in front of the test's nodes, running the shipped configuration (<c>deploy/kamailio/kamailio.cfg</c>,
/// copied beside the tests) with the test's listen address and node list passed as defines (<c>-A</c>), in the
/// foreground, logging to stderr. Ended by its PID on dispose (with its worker processes).
/// </summary>
public sealed class KamailioProcess : IDisposable
{
    private const string Binary = "/usr/sbin/kamailio";
    private readonly PeerProcess _process;
    private readonly string _folder;

    private KamailioProcess(PeerProcess process, string folder, IPEndPoint endPoint)
    {
        _process = process;
        _folder = folder;
        EndPoint = endPoint;
    }

    /// <summary>Where it listens (UDP).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Its address as a SIP URI host part ("127.0.0.4:5070").</summary>
    public string HostPort => EndPoint.ToString();

    /// <summary>Everything it logged so far.</summary>
    public string Output => _process.Output;

    /// <summary>
    /// Starts it on <paramref name="endPoint"/> (UDP) with <paramref name="nodes"/> as the dispatcher's set 1, probing them
    /// every <paramref name="pingSeconds"/>, and waits until it listens. <paramref name="timeoutMs"/> is how long it waits for a
    /// node's first answer (a probe's, or an INVITE's 100) before taking the node out: longer than the shipped default, since
    /// a node just started on a busy test machine may take seconds for its first requests.
    /// </summary>
    public static async Task<KamailioProcess> StartAsync(IPEndPoint endPoint, IReadOnlyList<IPEndPoint> nodes, int pingSeconds = 1, int timeoutMs = 5000)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(nodes);
        var config = Path.Combine(AppContext.BaseDirectory, "deploy", "kamailio.cfg");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException("the shipped kamailio.cfg is not beside the tests (Telephony.Testing copies it)", config);
        }
        var folder = Directory.CreateTempSubdirectory("telephony-kamailio-").FullName;
        var list = Path.Combine(folder, "dispatcher.list");
        await File.WriteAllLinesAsync(list, nodes.Select(n => "1 sip:" + n.ToString()));
        var process = PeerProcess.Start(Binary,
        [
            "-f", config, "-DD", "-E", "-m", "64", "-M", "8", "-Y", folder, "-w", folder,
            "-A", "LISTEN=udp:" + endPoint,
            "-A", $"DISPATCHER_LIST=\"{list}\"",
            "-A", "DS_PING_INTERVAL=" + pingSeconds.ToString(CultureInfo.InvariantCulture),
            "-A", "TX_TIMEOUT_MS=" + timeoutMs.ToString(CultureInfo.InvariantCulture),
        ], folder);
        var kamailio = new KamailioProcess(process, folder, endPoint);
        if (!await process.WaitForAsync("SO_RCVBUF is finally", TimeSpan.FromSeconds(15)) || process.HasExited)
        {
            var output = process.Output;
            kamailio.Dispose();
            throw new InvalidOperationException("kamailio did not start: " + output);
        }
        return kamailio;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
