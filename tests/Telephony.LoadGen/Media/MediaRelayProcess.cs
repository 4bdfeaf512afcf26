using System.Globalization;
using System.Net;
using Telephony.Media.Bridge;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;

namespace Telephony.LoadGen.Media;

/// <summary>
/// The relay side of <c>media --separate-relay</c>, run as a child process so its CPU time can be
/// measured apart from the generator's: opens N bridged calls whose legs send to the given
/// generator sockets, prints "CALL &lt;leg0 port&gt; &lt;leg1 port&gt;" per call and "READY", relays until a
/// line arrives on stdin, then prints "DROPPED &lt;n&gt;" and exits.
/// </summary>
internal static class MediaRelayProcess
{
    public const string Help = "(internal) relay half of media --separate-relay";

    public static async Task<int> RunAsync(string[] args)
    {
        int calls = 0;
        var bind = IPAddress.Loopback;
        int portMin = 40000, portMax = 59999;
        var callerTargets = new List<IPEndPoint>();
        var agentTargets = new List<IPEndPoint>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--calls": calls = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--bind": bind = IPAddress.Parse(args[i + 1]); break;
                case "--ports":
                    var range = args[i + 1].Split('-');
                    portMin = int.Parse(range[0], CultureInfo.InvariantCulture);
                    portMax = int.Parse(range[1], CultureInfo.InvariantCulture);
                    break;
                case "--callers": callerTargets.AddRange(args[i + 1].Split(',').Select(IPEndPoint.Parse)); break;
                case "--agents": agentTargets.AddRange(args[i + 1].Split(',').Select(IPEndPoint.Parse)); break;
                default:
                    Console.Error.WriteLine($"media-relay: unknown option {args[i]}");
                    return 2;
            }
        }

        if (calls <= 0 || callerTargets.Count == 0 || callerTargets.Count != agentTargets.Count)
        {
            Console.Error.WriteLine("media-relay: needs --calls, --callers and --agents (same count)");
            return 2;
        }

        var pool = new RtpPortPool(bind, portMin, portMax);
        var options = new RtpSessionOptions();
        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 101, TelephoneEventPayloadTypes = [101] };
        var legs = new List<RtpSession>();
        var bridges = new List<RtpBridge>();
        try
        {
            for (int c = 0; c < calls; c++)
            {
                var leg0 = RtpSession.TryOpen(pool, options, out string? e0);
                var leg1 = RtpSession.TryOpen(pool, options, out string? e1);
                if (leg0 is null || leg1 is null)
                {
                    Console.Error.WriteLine($"media-relay: could not open call {c}: {e0 ?? e1}");
                    return 1;
                }

                legs.Add(leg0);
                legs.Add(leg1);
                leg0.SetRemote(callerTargets[c % callerTargets.Count]);
                leg1.SetRemote(agentTargets[c % agentTargets.Count]);
                bridges.Add(new RtpBridge(leg0, format, leg1, format));
                leg0.Start();
                leg1.Start();
                Console.WriteLine($"CALL {leg0.LocalRtpEndPoint.Port} {leg1.LocalRtpEndPoint.Port}");
            }

            Console.WriteLine("READY");
            await Console.In.ReadLineAsync().ConfigureAwait(false);
            Console.WriteLine($"DROPPED {bridges.Sum(b => b.Dropped(0) + b.Dropped(1))}");
            return 0;
        }
        finally
        {
            foreach (var b in bridges)
            {
                b.Dispose();
            }

            foreach (var l in legs)
            {
                await l.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
