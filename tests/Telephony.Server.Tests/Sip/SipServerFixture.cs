using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telephony.Server.Sip;
using Telephony.Sip.Messages;
using Telephony.Sip.Registrar;
using Telephony.Sip.Transport;

namespace Telephony.Server.Tests.Sip;

/// <summary>The server in-process with a test seats file (1001–1003) and ephemeral SIP ports.</summary>
internal sealed class SipServerFixture : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _seatsFile;

    public SipServerFixture(int maxFailures = 5, IReadOnlyDictionary<string, string>? settings = null)
    {
        _seatsFile = Path.GetTempFileName();
        File.WriteAllText(_seatsFile, """
            { "seats": [
              { "extension": "1001", "password": "pw-1001" },
              { "extension": "1002", "password": "pw-1002" },
              { "extension": "1003", "password": "pw-1003" } ] }
            """);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Sip:SeatsFile", _seatsFile);
            b.UseSetting("Sip:Domain", "test.local");
            b.UseSetting("Sip:AuthMaxFailures", maxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                b.UseSetting(key, value);
            }
        });
        Host = _factory.Services.GetRequiredService<SipServerHost>();
    }

    public SipServerHost Host { get; }

    public ILocationStore Locations => _factory.Services.GetRequiredService<ILocationStore>();

    public int Port(SipTransportProtocol protocol) => Host.LocalEndPoints.First(e => e.Protocol == protocol).EndPoint.Port;

    public string Uri(string user, SipTransportProtocol protocol = SipTransportProtocol.Udp) =>
        protocol == SipTransportProtocol.Udp ? $"sip:{user}@127.0.0.1:{Port(protocol)}" : $"sip:{user}@127.0.0.1:{Port(protocol)};transport=tcp";

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        File.Delete(_seatsFile);
    }
}

/// <summary>Sends hand-written requests over UDP and reads the answers.</summary>
internal sealed class RawUdp : IDisposable
{
    private readonly UdpClient _udp;

    public RawUdp(IPAddress? bind = null) => _udp = new UdpClient(new IPEndPoint(bind ?? IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public async Task<SipResponse> RequestAsync(string text, int serverPort, TimeSpan? timeout = null)
    {
        await _udp.SendAsync(Encoding.UTF8.GetBytes(text), new IPEndPoint(IPAddress.Loopback, serverPort));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var result = await _udp.ReceiveAsync(cts.Token);
            if (SipParser.TryParse(result.Buffer, out var m, out _) && m is SipResponse { StatusCode: >= 200 } r)
            {
                return r;
            }
        }
    }

    public string Request(string method, string user, int serverPort, string callId, string extra = "") =>
        $"{method} sip:{user}@127.0.0.1:{serverPort} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{Port};branch=z9hG4bK{callId}\r\n" +
        $"From: <sip:{user}@127.0.0.1>;tag=f{callId}\r\nTo: <sip:{user}@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 {method}\r\n" +
        $"Contact: <sip:{user}@127.0.0.1:{Port}>\r\nMax-Forwards: 70\r\n{extra}Content-Length: 0\r\n\r\n";

    /// <summary>Every datagram that arrives within <paramref name="quiet"/> of the previous one (or of the call).</summary>
    public async Task<List<SipMessage>> DrainAsync(TimeSpan quiet)
    {
        var received = new List<SipMessage>();
        while (true)
        {
            using var cts = new CancellationTokenSource(quiet);
            try
            {
                var result = await _udp.ReceiveAsync(cts.Token);
                if (SipParser.TryParse(result.Buffer, out var m, out _))
                {
                    received.Add(m);
                }
            }
            catch (OperationCanceledException)
            {
                return received;
            }
        }
    }

    public void Dispose() => _udp.Dispose();
}
