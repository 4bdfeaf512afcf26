namespace Telephony.Sip.Tests.UserAgent;

/// <summary>A hand-driven SIP peer on a UDP socket: the test reads and writes datagrams itself.</summary>
internal sealed class RawSipPeer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0)) { Client = { ReceiveBufferSize = 1 << 20 } }; // bursts of responses (the kernel may cap it)

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public IPEndPoint? LastSource { get; private set; }

    public async Task<SipMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var result = await _udp.ReceiveAsync(cts.Token);
        LastSource = result.RemoteEndPoint;
        if (!SipParser.TryParse(result.Buffer, out var message, out var error))
        {
            throw new InvalidDataException(error.Reason);
        }
        return message;
    }

    /// <summary>Receives until a message matches (skipping e.g. 100 Trying or retransmissions).</summary>
    public async Task<T> ReceiveAsync<T>(Func<T, bool> match, TimeSpan? timeout = null) where T : SipMessage
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("expected message not received");
            }
            SipMessage message;
            try
            {
                message = await ReceiveAsync(left);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("expected message not received");
            }
            if (message is T t && match(t))
            {
                return t;
            }
        }
    }

    public Task SendAsync(SipMessageBuilder message, IPEndPoint? to = null) => SendAsync(message.ToArray(), to);

    public async Task SendAsync(byte[] data, IPEndPoint? to = null) =>
        await _udp.SendAsync(data, to ?? LastSource ?? throw new InvalidOperationException("no peer yet"));

    public async Task SendAsync(string text, IPEndPoint to) => await SendAsync(Encoding.UTF8.GetBytes(text), to);

    public void Dispose() => _udp.Dispose();
}
