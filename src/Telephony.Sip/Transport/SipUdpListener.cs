using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Telephony.Sip.Transport;

/// <summary>
/// One UDP socket (§18, unreliable). Receive loops each own one pooled buffer and one
/// <see cref="SocketAddress"/> and use the <c>ReceiveFromAsync(Memory, SocketFlags, SocketAddress)</c>
/// overload, so a datagram costs no allocation here: the peer's <see cref="IPEndPoint"/> comes from a
/// small per-loop cache keyed by socket address. Each datagram is handed to the sink synchronously.
/// </summary>
internal sealed class SipUdpListener : IAsyncDisposable
{
    private const int EndPointCacheLimit = 4096;
    private readonly Socket _socket;
    private readonly ISipTransportSink _sink;
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public SipUdpListener(IPEndPoint bindTo, ISipTransportSink sink, SipTransportOptions options, ILogger logger)
    {
        _sink = sink;
        _options = options;
        _logger = logger;
        _socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // Stop ICMP port-unreachable from failing the next ReceiveFrom on Windows.
                const int SioUdpConnreset = unchecked((int)0x9800000C);
                _socket.IOControl(SioUdpConnreset, [0, 0, 0, 0], null);
            }
            _socket.ReceiveBufferSize = Math.Max(_socket.ReceiveBufferSize, 1 << 20);
            _socket.Bind(bindTo);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Start()
    {
        for (int i = 0; i < _options.UdpReceiveLoops; i++) _loops.Add(Task.Run(ReceiveLoopAsync));
    }

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken) =>
        _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken);

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.MaxDatagramSize);
        var address = new SocketAddress(_socket.AddressFamily);
        var endPoints = new Dictionary<SocketAddress, IPEndPoint>();
        var template = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer.AsMemory(0, _options.MaxDatagramSize), SocketFlags.None, address, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { break; }
                catch (ObjectDisposedException) { break; }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    // ICMP unreachable from an earlier send, or an oversized datagram (truncated): drop it.
                    _logger.UdpReceiveErrorIgnored(LocalEndPoint, ex.SocketErrorCode);
                    continue;
                }
                catch (SocketException ex)
                {
                    _logger.UdpReceiveFailed(ex, LocalEndPoint);
                    continue;
                }

                if (!endPoints.TryGetValue(address, out var remote))
                {
                    if (endPoints.Count >= EndPointCacheLimit) endPoints.Clear();
                    remote = (IPEndPoint)template.Create(address);
                    var key = new SocketAddress(address.Family, address.Size);
                    address.Buffer.CopyTo(key.Buffer);
                    endPoints[key] = remote;
                }

                if (received >= _options.MaxDatagramSize)
                {
                    if (_sink.MayWarnAbout(remote.Address))
                        _logger.UdpDatagramTooLarge(LocalEndPoint, remote, _options.MaxDatagramSize);
                    continue;
                }

                try
                {
                    _sink.OnMessage(new SipFlow(SipTransportProtocol.Udp, remote, LocalEndPoint, this), buffer.AsSpan(0, received));
                }
                catch (Exception ex)
                {
                    // The sink must not throw; if it does, the loop survives it.
                    _logger.UdpDatagramHandlingFailed(ex, LocalEndPoint, remote);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try { await Task.WhenAll(_loops).ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
