using Telephony.Sip.Registrar;

namespace Telephony.Server.Tests.Sip;

/// <summary>The server in-process with a test seats file (1001–1003) and ephemeral SIP ports.</summary>
internal sealed class SipServerFixture : IAsyncDisposable
{
    private readonly TelephonyTestServer _server;

    public SipServerFixture(int maxFailures = 5, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Sip:AuthMaxFailures"] = maxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _server = new TelephonyTestServer(new TelephonyTestServerOptions { Seats = TelephonyTestServerOptions.SeatsWith("pw-", "1001", "1002", "1003"), Settings = all });
        Host = _server.Sip;
    }

    public SipServerHost Host { get; }

    public ILocationStore Locations => _server.Service<ILocationStore>();

    public int Port(SipTransportProtocol protocol) => _server.SipPort(protocol);

    public string Uri(string user, SipTransportProtocol protocol = SipTransportProtocol.Udp) => _server.Uri(user, protocol);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
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
