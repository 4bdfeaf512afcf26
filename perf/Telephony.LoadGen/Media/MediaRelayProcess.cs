using System.Globalization;
using System.Net;
using Telephony.Media.WebRtc.Dtls;

namespace Telephony.LoadGen.Media;

/// <summary>
/// The relay side of <c>media</c>, run as a child process so its CPU time can be measured apart
/// from the generator's: opens N bridged calls (a <see cref="RelayNode"/>) whose legs send to
/// the given generator sockets, prints "MODE …", "CALL &lt;leg0 port&gt; &lt;leg1 port&gt;" per call
/// (with leg 1's ICE ufrag and password when leg 1 is a browser's, after one "FINGERPRINT …") and
/// "READY", relays until a line arrives on stdin, then prints "DROPPED &lt;n&gt;" (and "RECORDING …"
/// when recording, "WEBRTC &lt;secured legs&gt; &lt;unauthenticated packets&gt;" with browser legs) and exits.
/// </summary>
internal static class MediaRelayProcess
{
    public const string Help = "(internal) relay half of media";

    public static async Task<int> RunAsync(string[] args)
    {
        int calls = 0, receiveThreads = 1, priority = 0;
        var bind = IPAddress.Loopback;
        int portMin = 40000, portMax = 59999;
        string? record = null;
        DtlsFingerprint? browser = null;
        string browserUfrag = "";
        var callers = new List<IPEndPoint>();
        var agents = new List<IPEndPoint>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--calls": calls = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--receive-threads": receiveThreads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--priority": priority = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--bind": bind = IPAddress.Parse(args[i + 1]); break;
                case "--record": record = args[i + 1]; break;
                case "--browser-ufrag": browserUfrag = args[i + 1]; break;
                case "--browser":
                    if (!DtlsFingerprint.TryParse(args[i + 1], out browser))
                    {
                        Console.Error.WriteLine("media-relay: --browser needs a fingerprint (sha-256 AB:CD:…)");
                        return 2;
                    }
                    break;
                case "--ports":
                    var range = args[i + 1].Split('-');
                    portMin = int.Parse(range[0], CultureInfo.InvariantCulture);
                    portMax = int.Parse(range[1], CultureInfo.InvariantCulture);
                    break;
                case "--callers": callers.AddRange(args[i + 1].Split(',').Select(IPEndPoint.Parse)); break;
                case "--agents": agents.AddRange(args[i + 1].Split(',').Select(IPEndPoint.Parse)); break;
                default:
                    Console.Error.WriteLine($"media-relay: unknown option {args[i]}");
                    return 2;
            }
        }

        if (calls <= 0 || callers.Count == 0 || callers.Count != agents.Count)
        {
            Console.Error.WriteLine("media-relay: needs --calls, --callers and --agents (same count)");
            return 2;
        }

        await using var node = RelayNode.Open(calls, bind, portMin, portMax, callers, agents, receiveThreads, priority, record, browser, browserUfrag);
        Console.WriteLine($"MODE {node.Mode}");
        if (browser is not null)
        {
            Console.WriteLine($"FINGERPRINT {node.Identity.Fingerprint}");
        }

        for (int c = 0; c < node.Calls.Count; c++)
        {
            var (leg0, leg1) = node.Calls[c];
            Console.WriteLine(browser is null ? $"CALL {leg0} {leg1}" : $"CALL {leg0} {leg1} {node.BrowserLegs[c].Ufrag} {node.BrowserLegs[c].Password}");
        }

        Console.WriteLine("READY");
        await Console.In.ReadLineAsync().ConfigureAwait(false);
        Console.WriteLine($"DROPPED {node.Dropped}");
        if (browser is not null)
        {
            Console.WriteLine($"WEBRTC {node.SecuredLegs} {node.UnauthenticatedPackets}");
        }
        if (node.RecordingSummary() is { } summary)
        {
            Console.WriteLine($"RECORDING {summary}");
        }

        return 0;
    }
}
