using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;

namespace Telephony.Sip.Transport;

/// <summary>
/// One TCP connection (accepted or opened by us), plain or under TLS (RFC 3261 §26.2: the TLS transport is
/// the TCP transport inside a TLS session; the handshake is done by <see cref="SipTcpTransport"/> before the
/// connection is made). Reads through a <see cref="PipeReader"/>, frames
/// messages with the message layer's framing function and hands each to the sink. Answers RFC 5626
/// §4.4.1 keep-alive pings (CRLFCRLF) with a pong (CRLF). Tracks the activity and message-start
/// times that <see cref="SipTcpTransport"/>'s housekeeping uses to enforce the idle timeout and the
/// deadline for a started message. Writes are serialised with a semaphore.
/// </summary>
internal sealed class SipTcpConnection : IAsyncDisposable
{
    private static readonly byte[] Pong = "\r\n"u8.ToArray();
    private static long s_nextId;
    private readonly Socket _socket;
    private readonly Stream _stream;          // NetworkStream (TCP) or the authenticated SslStream (TLS)
    private readonly bool _secured;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ISipTransportSink _sink;
    private readonly SipParserOptions _parserOptions;
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closed = new();
    private long _lastActivity;
    private long _messageStarted; // 0 = no partial message buffered
    private int _closeState;
    private string? _closeReason;

    /// <param name="secured">The TLS stream over <paramref name="socket"/> once its handshake is done; null for plain TCP.</param>
    public SipTcpConnection(Socket socket, Stream? secured, bool inbound, ISipTransportSink sink, SipParserOptions parserOptions,
        SipTransportOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        Inbound = inbound;
        _sink = sink;
        _parserOptions = parserOptions;
        _options = options;
        _time = time;
        _logger = logger;
        Id = Interlocked.Increment(ref s_nextId);
        Remote = SipTcpTransport.Normalize((IPEndPoint)socket.RemoteEndPoint!);
        Local = SipTcpTransport.Normalize((IPEndPoint)socket.LocalEndPoint!);
        socket.NoDelay = true; // a SIP message is written whole: Nagle would only hold it back for the peer's ACK
        _secured = secured is not null;
        _stream = secured ?? new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048));
        _lastActivity = time.GetTimestamp();
        Protocol = _secured ? SipTransportProtocol.Tls : SipTransportProtocol.Tcp;
        Flow = new SipFlow(Protocol, Remote, Local, this);
    }

    public long Id { get; }
    public bool Inbound { get; }
    public SipTransportProtocol Protocol { get; }
    public IPEndPoint Remote { get; }
    public IPEndPoint Local { get; }
    public SipFlow Flow { get; }
    public bool IsOpen => Volatile.Read(ref _closeState) == 0;
    public Task Completion { get; private set; } = Task.CompletedTask;
    public string? CloseReason => _closeReason;

    /// <summary>Raised once when the connection closes, for the transport's table.</summary>
    public event Action<SipTcpConnection>? Closed;

    public void Start() => Completion = Task.Run(ReadLoopAsync);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!IsOpen) throw new SipTransportException($"{Protocol.ToViaToken()} connection to {Remote} is closed ({_closeReason}).");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_secured)
            {
                await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Close("send failed: " + ex.Message);
            throw new SipTransportException($"Sending to {Remote} over {Protocol.ToViaToken()} failed.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Checks the idle timeout and the started-message deadline; closes the connection when one is over.</summary>
    public void CheckTimeouts(long now)
    {
        long started = Volatile.Read(ref _messageStarted);
        if (started != 0 && _time.GetElapsedTime(started, now) > _options.MessageCompletionTimeout)
        {
            if (_sink.MayWarnAbout(Remote.Address))
                _logger.TcpMessageNotCompleted(Remote, _options.MessageCompletionTimeout);
            Close("message completion timeout");
        }
        else if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) > _options.ConnectionIdleTimeout)
        {
            _logger.TcpIdle(Remote, _options.ConnectionIdleTimeout);
            Close("idle timeout");
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await _reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
                {
                    break;
                }
                long now = _time.GetTimestamp();
                Volatile.Write(ref _lastActivity, now);
                var buffer = result.Buffer;
                bool keepGoing = ProcessBuffer(ref buffer, now);
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (!keepGoing) break;
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        if (_sink.MayWarnAbout(Remote.Address))
                            _logger.TcpPeerClosedMidMessage(Remote, buffer.Length);
                    }
                    Close(buffer.IsEmpty ? "closed by peer" : "truncated message");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            _logger.TcpReadLoopFailed(ex, Remote);
        }
        finally
        {
            Close(_closeReason ?? "read loop ended");
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <returns>false when the connection must close.</returns>
    private bool ProcessBuffer(ref ReadOnlySequence<byte> buffer, long now)
    {
        while (!buffer.IsEmpty)
        {
            // RFC 5626 §4.4.1 keep-alive: CRLFCRLF ping → CRLF pong. Other CRLFs before a message
            // are ignored (§7.5). A partial ping waits for more bytes (without starting the
            // message deadline: see the end of the loop).
            byte first = buffer.FirstSpan[0];
            if (first is (byte)'\r' or (byte)'\n')
            {
                Span<byte> head = stackalloc byte[4];
                int have = (int)Math.Min(4, buffer.Length);
                buffer.Slice(0, have).CopyTo(head);
                if (have == 4 && head.SequenceEqual("\r\n\r\n"u8))
                {
                    buffer = buffer.Slice(4);
                    _ = SendPongAsync();
                    continue;
                }
                if (have < 4 && "\r\n\r\n"u8.StartsWith(head[..have])) break;
                int skip = head[..have].IndexOfAnyExcept("\r\n"u8);
                buffer = buffer.Slice(skip < 0 ? have : skip);
                continue;
            }

            var frame = SipFraming.Frame(buffer, _parserOptions);
            if (frame.Status == SipFrameStatus.KeepAlive)
            {
                buffer = buffer.Slice(frame.Length);
                continue;
            }
            if (frame.Status == SipFrameStatus.Complete && frame.Length > _options.MaxMessageSize)
            {
                frame = new SipFrame(SipFrameStatus.Invalid, 0, $"message of {frame.Length} bytes exceeds {_options.MaxMessageSize}");
            }
            if (frame.Status == SipFrameStatus.Complete)
            {
                Volatile.Write(ref _messageStarted, 0);
                Deliver(buffer.Slice(0, frame.Length));
                buffer = buffer.Slice(frame.Length);
                continue;
            }
            if (frame.Status == SipFrameStatus.NeedMore && buffer.Length > _options.MaxMessageSize)
            {
                frame = new SipFrame(SipFrameStatus.Invalid, 0, $"message exceeds {_options.MaxMessageSize} bytes");
            }
            if (frame.Status == SipFrameStatus.Invalid)
            {
                var error = frame.Error ?? "framing error";
                if (_sink.MayWarnAbout(Remote.Address))
                    _logger.TcpCannotFrame(Remote, error);
                try { _sink.OnStreamError(Flow, error); } catch (Exception ex) { _logger.TcpStreamErrorHandlerFailed(ex); }
                Close("framing: " + error);
                return false;
            }
            // NeedMore: remember when this message began so a trickling peer hits the deadline.
            if (Volatile.Read(ref _messageStarted) == 0) Volatile.Write(ref _messageStarted, now);
            return true;
        }
        Volatile.Write(ref _messageStarted, 0);
        return true;
    }

    private void Deliver(ReadOnlySequence<byte> message)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (message.IsSingleSegment) span = message.FirstSpan;
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)message.Length);
            message.CopyTo(rented);
            span = rented.AsSpan(0, (int)message.Length);
        }
        try
        {
            _sink.OnMessage(Flow, span);
        }
        catch (Exception ex)
        {
            _logger.TcpMessageHandlingFailed(ex, Remote);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task SendPongAsync()
    {
        try { await SendAsync(Pong, CancellationToken.None).ConfigureAwait(false); }
        catch (SipTransportException) { }
    }

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closeState, 1) != 0) return;
        _closeReason = reason;
        _logger.TcpClosed(Remote, reason);
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        _stream.Dispose();
        Closed?.Invoke(this);
    }

    public async ValueTask DisposeAsync()
    {
        Close("disposed");
        try { await Completion.ConfigureAwait(false); } catch (Exception ex) when (ex is OperationCanceledException) { }
        _closed.Dispose();
        _writeLock.Dispose();
    }
}

/// <summary>A message could not be sent (connection closed, connect failed, socket error).</summary>
public sealed class SipTransportException : Exception
{
    public SipTransportException() { }
    public SipTransportException(string message) : base(message) { }
    public SipTransportException(string message, Exception inner) : base(message, inner) { }
}
