using Telephony.Calls;
using Telephony.ContactCenter.Routing;
using Telephony.Server.Agents;
using Telephony.Testing.Hosting;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>
/// Our server, in-process but on real sockets (Kestrel on 127.0.0.1:0 for HTTP and the hub, SIP UDP on
/// 127.0.0.1:0), with a seats file of known SIP passwords and the default demo agent users.
/// </summary>
internal sealed class SoftphoneServer : IAsyncDisposable
{
    private readonly TelephonyTestServer _server;

    /// <summary>A server on free ports, or on the given ones (a restarted server where its softphones expect it).</summary>
    /// <param name="settings">More settings (e.g. a TLS listener), over the defaults.</param>
    public SoftphoneServer(int httpPort = 0, int sipPort = 0, IReadOnlyDictionary<string, string>? settings = null) => _server = new(new TelephonyTestServerOptions
    {
        Seats = TelephonyTestServerOptions.SeatsWith("sip-", "1001", "1002", "1003", "1049"),
        Kestrel = true,
        HttpPort = httpPort,
        Settings = WithDefaults(sipPort, settings),
    });

    private static Dictionary<string, string> WithDefaults(int sipPort, IReadOnlyDictionary<string, string>? settings)
    {
        var all = new Dictionary<string, string>
        {
            ["Sip:Udp"] = $"127.0.0.1:{sipPort}",
            ["Sip:Tcp"] = "",
            ["Sip:AuthMaxFailures"] = "50",
            ["ContactCenter:WrapUpSeconds"] = "1",
            ["Calls:RtpPortMin"] = "27000",
            ["Calls:RtpPortMax"] = "27399",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        return all;
    }

    public Uri Http => _server.Http!;

    /// <summary>Where the server writes recordings.</summary>
    public string Recordings => _server.Recordings;

    public SipServerHost Sip => _server.Sip;

    public int SipPort => _server.SipPort();

    /// <summary>The bound TLS port (when a TLS listener is configured).</summary>
    public int TlsPort => Sip.LocalEndPoints.First(e => e.Protocol == Telephony.Sip.Transport.SipTransportProtocol.Tls).EndPoint.Port;

    public ILocationStore Locations => _server.Service<ILocationStore>();

    public AutomaticCallDistributor Acd => _server.Service<AutomaticCallDistributor>();

    public IScreenPopNotifier Notifier => _server.Service<IScreenPopNotifier>();

    public CallManager Calls => _server.Service<CallManager>();

    /// <summary>Options for a softphone at <paramref name="seat"/> against this server (RTP in the interop range).</summary>
    public AgentClientOptions Agent(string seat, bool hub = true, int rtpBase = 26000) => new()
    {
        Seat = seat,
        SipServer = $"127.0.0.1:{SipPort}",
        Domain = "test.local",
        Http = hub ? Http : null,
        User = "agent" + seat,
        Password = "demo-agent-" + seat,
        SipPassword = "sip-" + seat,
        RtpPortMin = rtpBase,
        RtpPortMax = rtpBase + 99,
        StartTimeout = TimeSpan.FromSeconds(10),
    };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
