using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> over the leg's one port: the receive thread
/// <see cref="Offer"/>s DTLS records (copied into a small bounded queue; a flood is dropped, not buffered),
/// the handshake thread takes them with a timeout, and sends go out through the given delegate (the
/// session's socket, to the ICE-selected peer). Handshake records only: a few per call, so a copy each is fine.
/// </summary>
public sealed class DtlsDatagramChannel : DatagramTransport
{
    /// <summary>Records waiting for the handshake thread; more are dropped (DTLS retransmits, RFC 6347 §4.2.4).</summary>
    public const int QueueLimit = 32;
    // IPv4 minimum path MTU minus IP/UDP headers, with room to spare: handshake messages are fragmented to it.
    private const int Mtu = 1200;

    private readonly BlockingCollection<byte[]> _queue = new(new ConcurrentQueue<byte[]>(), QueueLimit);
    private readonly Func<ReadOnlyMemory<byte>, bool> _send;
    private long _dropped;

    public DtlsDatagramChannel(Func<ReadOnlyMemory<byte>, bool> send)
    {
        _send = send ?? throw new ArgumentNullException(nameof(send));
    }

    /// <summary>Records dropped because the queue was full or the channel closed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one received record for the handshake (never blocks).</summary>
    public void Offer(ReadOnlySpan<byte> datagram)
    {
        if (_queue.IsAddingCompleted || !_queue.TryAdd(datagram.ToArray()))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => Mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        byte[]? record;
        try
        {
            if (!_queue.TryTake(out record, Math.Max(waitMillis, 0)))
            {
                if (_queue.IsCompleted)
                {
                    // Closed: end the handshake now instead of letting it spin through its timeout.
                    throw new TlsFatalAlert(AlertDescription.user_canceled);
                }
                return -1;
            }
        }
        catch (ObjectDisposedException)
        {
            throw new TlsFatalAlert(AlertDescription.user_canceled);
        }

        int n = Math.Min(record.Length, buffer.Length);
        record.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public void Send(byte[] buf, int off, int len) => _send(buf.AsMemory(off, len));

    public void Send(ReadOnlySpan<byte> buffer) => _send(buffer.ToArray());

    /// <summary>No more records: a waiting handshake ends at once.</summary>
    public void Close() => _queue.CompleteAdding();
}
