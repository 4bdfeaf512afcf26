namespace Telephony.Sip.Tests.UserAgent;

/// <summary>Two of our user agents on loopback (OS-assigned ports) for flow tests.</summary>
internal sealed class UaPair : IAsyncDisposable
{
    public const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";

    private UaPair(SipUserAgent a, SipUserAgent b, string transport)
    {
        A = a;
        B = b;
        Transport = transport;
    }

    public SipUserAgent A { get; }

    public SipUserAgent B { get; }

    public string Transport { get; }

    public static async Task<UaPair> StartAsync(string transport = "udp", SipUserAgentOptions? aOptions = null)
    {
        var a = await SipUserAgent.StartAsync($"{transport}:127.0.0.1:0", aOptions ?? new SipUserAgentOptions { LocalUri = "sip:alice@127.0.0.1" });
        var b = await SipUserAgent.StartAsync($"{transport}:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        return new UaPair(a, b, transport);
    }

    public string UriOfB(string user = "bob")
    {
        var ep = B.Endpoint.LocalEndPoints[0].EndPoint;
        return Transport == "udp" ? $"sip:{user}@127.0.0.1:{ep.Port}" : $"sip:{user}@127.0.0.1:{ep.Port};transport={Transport}";
    }

    /// <summary>
    /// A calls B with <see cref="Sdp"/>, B answers with <paramref name="answerSdp"/> (default <see cref="Sdp"/>),
    /// and A has seen the 200: the call is established at A (B's ACK may still be on its way).
    /// </summary>
    public async Task<(SipCall Outgoing, SipCall Incoming)> EstablishCallAsync(string? answerSdp = null)
    {
        var outgoing = await A.CallAsync(UriOfB(), Sdp);
        var incoming = await B.IncomingCalls.ReadAsync();
        await incoming.AcceptAsync(answerSdp ?? Sdp);
        await Next<CallEstablished>(outgoing);
        return (outgoing, incoming);
    }

    public static async Task<T> Next<T>(SipCall call, TimeSpan? timeout = null) where T : CallEvent
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var e = await call.Events.ReadAsync(cts.Token);
            if (e is T t)
            {
                return t;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
