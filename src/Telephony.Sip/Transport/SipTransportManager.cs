using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;

namespace Telephony.Sip.Transport;

/// <summary>
/// Owns every listening socket (UDP listeners, the TCP and TLS transports with their connection tables)
/// and turns a destination into a flow: UDP leaves from our listener of the same address family, TCP and
/// TLS reuse an open connection to the peer or open one.
/// </summary>
internal sealed class SipTransportManager : IAsyncDisposable
{
    private readonly List<SipUdpListener> _udp = [];
    private readonly SipTcpTransport _tcp;
    private readonly SipTcpTransport _tls;
    private readonly List<SipListenEndpoint> _bound = [];
    private readonly ISipTransportSink _sink;
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;

    public SipTransportManager(ISipTransportSink sink, SipParserOptions parserOptions, SipTransportOptions options, SipTimerQueue timers, ILogger logger)
    {
        options.Validate();
        _sink = sink;
        _options = options;
        _logger = logger;
        _tcp = new SipTcpTransport(sink, parserOptions, options, timers, logger);
        _tls = new SipTcpTransport(sink, parserOptions, options, timers, logger, SipTransportProtocol.Tls);
    }

    /// <summary>The endpoints actually bound (port 0 replaced by the OS-assigned port).</summary>
    public IReadOnlyList<SipListenEndpoint> BoundEndPoints => _bound;

    public SipTcpTransport Tcp => _tcp;

    public SipTcpTransport Tls => _tls;

    /// <summary>The stream transport for <paramref name="protocol"/> (TCP or TLS).</summary>
    public SipTcpTransport StreamTransport(SipTransportProtocol protocol) => protocol == SipTransportProtocol.Tls ? _tls : _tcp;

    public void Listen(SipListenEndpoint endPoint)
    {
        switch (endPoint.Protocol)
        {
            case SipTransportProtocol.Udp:
                var listener = new SipUdpListener(endPoint.EndPoint, _sink, _options, _logger);
                _udp.Add(listener);
                listener.Start();
                _bound.Add(new SipListenEndpoint(SipTransportProtocol.Udp, listener.LocalEndPoint));
                break;
            case SipTransportProtocol.Tcp:
            case SipTransportProtocol.Tls:
                _bound.Add(new SipListenEndpoint(endPoint.Protocol, StreamTransport(endPoint.Protocol).Listen(endPoint.EndPoint)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(endPoint));
        }
        _logger.Listening(_bound[^1]);
    }

    /// <summary>Our listening endpoint for <paramref name="protocol"/> in the family of <paramref name="remote"/>, if any.</summary>
    public IPEndPoint? LocalFor(SipTransportProtocol protocol, IPEndPoint remote)
    {
        IPEndPoint? fallback = null;
        foreach (var b in _bound)
        {
            if (b.Protocol != protocol) continue;
            if (b.EndPoint.AddressFamily == remote.AddressFamily) return b.EndPoint;
            fallback ??= b.EndPoint;
        }
        return fallback;
    }

    public async ValueTask<SipFlow> GetFlowAsync(SipDestination destination, CancellationToken cancellationToken)
    {
        if (destination.Protocol == SipTransportProtocol.Udp)
        {
            var listener = UdpFor(destination.EndPoint)
                ?? throw new SipTransportException($"No UDP listener for {destination.EndPoint.AddressFamily}.");
            return new SipFlow(SipTransportProtocol.Udp, destination.EndPoint, listener.LocalEndPoint, listener);
        }
        var connection = await StreamTransport(destination.Protocol).GetOrConnectAsync(destination.EndPoint, cancellationToken, destination.ServerName).ConfigureAwait(false);
        return connection.Flow;
    }

    /// <summary>Sends on the flow's socket; a closed TCP/TLS connection is replaced by a new one to the same peer.</summary>
    public async ValueTask SendAsync(SipFlow flow, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (flow.UdpListener is { } udp)
        {
            try
            {
                await udp.SendAsync(data, flow.Remote, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                throw new SipTransportException($"UDP send to {flow.Remote} failed: {ex.Message}", ex);
            }
            return;
        }
        var connection = flow.Connection is { IsOpen: true } open
            ? open
            : await StreamTransport(flow.Protocol).GetOrConnectAsync(flow.Remote, cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(data, cancellationToken).ConfigureAwait(false);
    }

    private SipUdpListener? UdpFor(IPEndPoint remote)
    {
        SipUdpListener? fallback = null;
        foreach (var l in _udp)
        {
            if (l.LocalEndPoint.AddressFamily == remote.AddressFamily) return l;
            fallback ??= l;
        }
        return fallback;
    }

    /// <summary>A flow back out of the UDP listener a request arrived on, to another port/address (§18.2.2).</summary>
    public static SipFlow Redirect(SipFlow flow, IPEndPoint remote) => new(flow.Protocol, remote, flow.Local, flow.Channel);

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _udp) await l.DisposeAsync().ConfigureAwait(false);
        await _tcp.DisposeAsync().ConfigureAwait(false);
        await _tls.DisposeAsync().ConfigureAwait(false);
    }
}
