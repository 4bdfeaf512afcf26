namespace Telephony.Sip.Tests.Stack;

/// <summary>A TU that answers every request with <see cref="Answer"/> (default 200) and records what it saw.</summary>
internal sealed class AnsweringUser : ISipTransactionUser
{
    public Func<SipServerTransaction, SipResponse?> Answer { get; set; } =
        tx => SipResponseBuilder.CreateResponse(tx.Request, 200).Build();

    public ConcurrentQueue<SipServerTransaction> Requests { get; } = new();
    public ConcurrentQueue<SipRequest> Acks { get; } = new();
    public ConcurrentQueue<SipServerTransaction> Cancels { get; } = new();
    public ConcurrentQueue<SipResponse> StrayResponses { get; } = new();
    public ConcurrentQueue<(SipServerTransaction, SipTransactionError)> Failures { get; } = new();

    public void OnRequest(SipServerTransaction transaction)
    {
        Requests.Enqueue(transaction);
        if (Answer(transaction) is { } response) transaction.TrySendResponse(response);
    }

    public void OnAck(SipRequest ack, SipFlow flow, SipServerTransaction? transaction) => Acks.Enqueue(ack);
    public void OnCancel(SipServerTransaction invite, SipRequest cancel) => Cancels.Enqueue(invite);
    public void OnStrayResponse(SipResponse response, SipFlow flow, SipClientTransaction? transaction) => StrayResponses.Enqueue(response);
    public void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error) => Failures.Enqueue((transaction, error));
}

internal static class StackTestKit
{
    public static async Task<SipEndpoint> StartEndpointAsync(ISipTransactionUser user, TimeProvider? time = null,
        Action<SipEndpointOptions>? configure = null, string listen = "udp:127.0.0.1:0,tcp:127.0.0.1:0")
    {
        var options = new SipEndpointOptions();
        foreach (var e in SipListenEndpoint.ParseList(listen)) options.Listen.Add(e);
        configure?.Invoke(options);
        var endpoint = new SipEndpoint(options, user, null, time);
        await endpoint.StartAsync();
        return endpoint;
    }

    public static IPEndPoint Local(this SipEndpoint endpoint, SipTransportProtocol protocol) =>
        endpoint.LocalEndPoints.First(e => e.Protocol == protocol).EndPoint;

    public static SipDestination Destination(this SipEndpoint endpoint, SipTransportProtocol protocol) =>
        new(protocol, endpoint.Local(protocol));

    /// <summary>A request without Via (the endpoint adds it).</summary>
    public static SipRequest Request(string method, string? callId = null, uint cseq = 1)
    {
        var b = new SipRequestBuilder(method, SipUri.Parse("sip:service@127.0.0.1"));
        b.AddHeader(SipHeaderNames.From, "<sip:tester@127.0.0.1>;tag=" + SipIds.NewTag());
        b.AddHeader(SipHeaderNames.To, "<sip:service@127.0.0.1>");
        b.SetCallId(callId ?? SipIds.NewCallId());
        b.SetCSeq(cseq, method);
        b.SetMaxForwards(70);
        return b.Build();
    }

    public static async Task WaitUntil(Func<bool> condition, int timeoutMs = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(5);
        }
    }

    /// <summary>Raw text of a request from a raw socket at <paramref name="from"/> (sent-by = its address).</summary>
    public static string RawRequest(string method, IPEndPoint from, string branch, string callId = "raw-1", uint cseq = 1,
        string fromTag = "ft1", string? toTag = null, string transport = "UDP", string extraVia = "")
    {
        var to = toTag is null ? "<sip:service@127.0.0.1>" : "<sip:service@127.0.0.1>;tag=" + toTag;
        return $"{method} sip:service@127.0.0.1 SIP/2.0\r\n" +
               $"Via: SIP/2.0/{transport} {from};branch={branch}{extraVia}\r\n" +
               "Max-Forwards: 70\r\n" +
               $"From: <sip:raw@127.0.0.1>;tag={fromTag}\r\n" +
               $"To: {to}\r\n" +
               $"Call-ID: {callId}\r\n" +
               $"CSeq: {cseq} {method}\r\n" +
               "Content-Length: 0\r\n\r\n";
    }

    public static async Task<string> ReceiveTextAsync(this UdpClient client, int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var result = await client.ReceiveAsync(cts.Token);
        return Encoding.UTF8.GetString(result.Buffer);
    }

    public static async Task<List<string>> DrainAsync(this UdpClient client, int quietMs = 150)
    {
        var list = new List<string>();
        while (true)
        {
            using var cts = new CancellationTokenSource(quietMs);
            try
            {
                var r = await client.ReceiveAsync(cts.Token);
                list.Add(Encoding.UTF8.GetString(r.Buffer));
            }
            catch (OperationCanceledException)
            {
                return list;
            }
        }
    }

    public static async Task SendTextAsync(this UdpClient client, string text, IPEndPoint to) =>
        await client.SendAsync(Encoding.UTF8.GetBytes(text), to);

    public static int StatusOf(string response) => int.Parse(response.AsSpan(8, 3), System.Globalization.CultureInfo.InvariantCulture);
}
