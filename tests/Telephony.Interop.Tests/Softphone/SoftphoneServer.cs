using Telephony.Calls;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telephony.ContactCenter.Routing;
using Telephony.Server.Agents;
using Telephony.Server.Sip;
using Telephony.Sip.Registrar;
using Telephony.Sip.Transport;
using Telephony.Softphone.Core;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>
/// Our server, in-process but on real sockets (Kestrel on 127.0.0.1:0 for HTTP and the hub, SIP UDP on
/// 127.0.0.1:0), with a seats file of known SIP passwords and the default demo agent users.
/// </summary>
internal sealed class SoftphoneServer : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _folder;

    public SoftphoneServer()
    {
        _folder = Directory.CreateTempSubdirectory("softphone-server-").FullName;
        var seatsFile = Path.Combine(_folder, "seats.json");
        File.WriteAllText(seatsFile, """
            { "seats": [
              { "extension": "1001", "password": "sip-1001" },
              { "extension": "1002", "password": "sip-1002" },
              { "extension": "1003", "password": "sip-1003" },
              { "extension": "1049", "password": "sip-1049" } ] }
            """);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Sip:SeatsFile", seatsFile);
            b.UseSetting("Sip:Domain", "test.local");
            b.UseSetting("Sip:Udp", "127.0.0.1:0");
            b.UseSetting("Sip:Tcp", "");
            b.UseSetting("Sip:AuthMaxFailures", "50");
            b.UseSetting("ContactCenter:WrapUpSeconds", "1");
            b.UseSetting("Calls:RecordingsFolder", Path.Combine(_folder, "recordings"));
            b.UseSetting("Calls:RtpPortMin", "27000");
            b.UseSetting("Calls:RtpPortMax", "27399");
            b.UseSetting("Calls:WatchIvrScript", "false");
            b.UseSetting("Cases:ConnectionString", $"Data Source={Path.Combine(_folder, "cases.db")}");
            b.UseSetting("Cases:SmsOutboxFile", Path.Combine(_folder, "sms-outbox.jsonl"));
        });
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Http = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/') + "/");
    }

    public Uri Http { get; }

    /// <summary>Where the server writes recordings.</summary>
    public string Recordings => Path.Combine(_folder, "recordings");

    public SipServerHost Sip => _factory.Services.GetRequiredService<SipServerHost>();

    public int SipPort => Sip.LocalEndPoints.First(e => e.Protocol == SipTransportProtocol.Udp).EndPoint.Port;

    public ILocationStore Locations => _factory.Services.GetRequiredService<ILocationStore>();

    public AutomaticCallDistributor Acd => _factory.Services.GetRequiredService<AutomaticCallDistributor>();

    public IScreenPopNotifier Notifier => _factory.Services.GetRequiredService<IScreenPopNotifier>();

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

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
