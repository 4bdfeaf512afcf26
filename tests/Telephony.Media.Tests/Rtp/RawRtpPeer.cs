namespace Telephony.Media.Tests.Rtp;

/// <summary>A bare UDP endpoint on 127.0.0.1 playing a phone at the packet level: crafts RTP (hostile input too), receives with a timeout. Not the call tests' loopback phone (Telephony.Testing).</summary>
internal sealed class RawRtpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[2048];

    public RawRtpPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Send(IPEndPoint to, int pt, ushort seq, uint ts, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var packet = new byte[12 + payload.Length];
        RtpWriter.Write(packet, new RtpHeader { PayloadType = pt, SequenceNumber = seq, Timestamp = ts, Ssrc = ssrc, Marker = marker }, payload);
        _socket.SendTo(packet, to);
    }

    public void SendRaw(IPEndPoint to, byte[] data) => _socket.SendTo(data, to);

    /// <summary>The next datagram within <paramref name="timeoutMs"/>, or null.</summary>
    public byte[]? Receive(int timeoutMs = 2000)
    {
        if (!_socket.Poll(timeoutMs * 1000, SelectMode.SelectRead))
        {
            return null;
        }

        int n = _socket.Receive(_buffer);
        return _buffer.AsSpan(0, n).ToArray();
    }

    public static async Task<bool> WaitUntil(Func<bool> condition, int timeoutMs = 3000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(2);
        }

        return true;
    }

    public void Dispose() => _socket.Dispose();
}
