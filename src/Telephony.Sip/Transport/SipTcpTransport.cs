using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;

namespace Telephony.Sip.Transport;

/// <summary>
/// TCP (or TLS: one instance per protocol) listeners plus the table of open connections (accepted and
/// outgoing), keyed by the peer's endpoint so responses and later requests to the same peer reuse the
/// connection (§18.1.1, §18.2.2). For TLS the handshake runs before a connection joins the table, bounded
/// by <see cref="SipTlsOptions.HandshakeTimeout"/>, and off the accept loop. Enforces <see cref="SipTransportOptions.MaxConnections"/>, the accepted connections per
/// address (<see cref="SipTransportOptions.MaxConnectionsPerAddress"/>) and, from one housekeeping
/// entry on the shared timer queue, the idle timeout and the started-message deadline.
/// </summary>
internal sealed class SipTcpTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, Lazy<Task<SipTcpConnection>>> _connecting = new();
    private readonly List<(Socket Socket, Task Loop)> _listeners = [];
    private readonly ISipTransportSink _sink;
    private readonly SipParserOptions _parserOptions;
    private readonly SipTransportOptions _options;
    private readonly SipTimerQueue _timers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    // Accepted connections per peer address (IPv4-mapped addresses as IPv4). Touched once per accept and
    // once per close, never per message, so a plain lock is enough.
    private readonly Dictionary<IPAddress, int> _acceptedPerAddress = [];
    private SipTimer? _housekeeping;
    private readonly SipTransportProtocol _protocol;
    private int _count;
    private int _rejected;
    private int _failedHandshakes;
    private int _rejectedPerAddress;

    public SipTcpTransport(ISipTransportSink sink, SipParserOptions parserOptions, SipTransportOptions options, SipTimerQueue timers, ILogger logger,
        SipTransportProtocol protocol = SipTransportProtocol.Tcp)
    {
        if (!protocol.IsStream()) throw new ArgumentOutOfRangeException(nameof(protocol));
        _protocol = protocol;
        _sink = sink;
        _parserOptions = parserOptions;
        _options = options;
        _timers = timers;
        _logger = logger;
    }

    public int ConnectionCount => Volatile.Read(ref _count);

    /// <summary>TCP or TLS.</summary>
    public SipTransportProtocol Protocol => _protocol;

    /// <summary>TLS handshakes that failed or timed out (accepted and outgoing).</summary>
    public int FailedHandshakes => Volatile.Read(ref _failedHandshakes);

    /// <summary>Connections refused because <see cref="SipTransportOptions.MaxConnections"/> was reached.</summary>
    public int RejectedConnections => Volatile.Read(ref _rejected);

    /// <summary>Connections refused because their address already held <see cref="SipTransportOptions.MaxConnectionsPerAddress"/>.</summary>
    public int RejectedPerAddress => Volatile.Read(ref _rejectedPerAddress);

    public IReadOnlyList<IPEndPoint> LocalEndPoints => _listeners.Select(l => (IPEndPoint)l.Socket.LocalEndPoint!).ToList();

    public IPEndPoint Listen(IPEndPoint bindTo)
    {
        if (_protocol == SipTransportProtocol.Tls && _options.Tls.Certificate is null)
            throw new InvalidOperationException("A TLS listener needs a certificate (SipTransportOptions.Tls.Certificate).");
        var socket = new Socket(bindTo.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(bindTo);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _listeners.Add((socket, Task.Run(() => AcceptLoopAsync(socket))));
        _housekeeping ??= _timers.Schedule(_options.HousekeepingInterval, static s => ((SipTcpTransport)s!).Housekeep(), this);
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { break; }
            catch (SocketException ex)
            {
                _logger.TcpAcceptFailed(ex);
                continue;
            }
            if (Interlocked.Increment(ref _count) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _count);
                Interlocked.Increment(ref _rejected);
                if (_sink.MayWarnAbout((client.RemoteEndPoint as System.Net.IPEndPoint)?.Address))
                    _logger.TcpConnectionRefused(client.RemoteEndPoint, _options.MaxConnections);
                client.Dispose();
                continue;
            }
            var address = client.RemoteEndPoint is IPEndPoint remote ? Normalize(remote).Address : null;
            if (address is not null && !TryCountAddress(address))
            {
                Interlocked.Decrement(ref _count);
                Interlocked.Increment(ref _rejectedPerAddress);
                // The sink's per-source warning budget bounds this to a few lines a minute per address.
                if (_sink.MayWarnAbout(address))
                    _logger.TcpConnectionRefusedPerAddress(address, _options.MaxConnectionsPerAddress);
                client.LingerState = new LingerOption(true, 0); // reset: no TIME_WAIT kept for a refused peer
                client.Dispose();
                continue;
            }
            if (_protocol == SipTransportProtocol.Tls)
            {
                _ = AcceptTlsAsync(client, address);
                continue;
            }
            try
            {
                Register(new SipTcpConnection(client, secured: null, inbound: true, _sink, _parserOptions, _options, _timers.TimeProvider, _logger), countedAlready: true);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Interlocked.Decrement(ref _count);
                if (address is not null) ReleaseAddress(address);
                client.Dispose();
            }
        }
    }

    /// <summary>The server side of a TLS handshake on an accepted (already counted) socket; the connection joins the table when it is done.</summary>
    private async Task AcceptTlsAsync(Socket client, IPAddress? address)
    {
        var remote = client.RemoteEndPoint;
        var tls = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(_options.Tls.HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(_options.Tls.ServerOptions(), deadline.Token).ConfigureAwait(false);
            Register(new SipTcpConnection(client, tls, inbound: true, _sink, _parserOptions, _options, _timers.TimeProvider, _logger), countedAlready: true);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or SocketException
            or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _failedHandshakes);
            if (address is not null) ReleaseAddress(address);
            // Anyone can connect and send garbage: the per-source warning budget bounds these lines.
            if (!_stop.IsCancellationRequested && _sink.MayWarnAbout(address))
                _logger.TlsHandshakeFailed(remote, ex is OperationCanceledException ? $"not finished within {_options.Tls.HandshakeTimeout.TotalSeconds:0.#} s" : Innermost(ex).Message);
            await tls.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    /// <summary>Counts one more accepted connection from <paramref name="address"/>, unless that would pass the per-address limit.</summary>
    private bool TryCountAddress(IPAddress address)
    {
        lock (_acceptedPerAddress)
        {
            _acceptedPerAddress.TryGetValue(address, out int open);
            if (open >= _options.MaxConnectionsPerAddress && _options.ExemptFromPerAddressLimit?.Invoke(address) != true)
            {
                return false;
            }
            _acceptedPerAddress[address] = open + 1;
            return true;
        }
    }

    private void ReleaseAddress(IPAddress address)
    {
        lock (_acceptedPerAddress)
        {
            if (_acceptedPerAddress.TryGetValue(address, out int open))
            {
                if (open <= 1) _acceptedPerAddress.Remove(address);
                else _acceptedPerAddress[address] = open - 1;
            }
        }
    }

    private void Register(SipTcpConnection connection, bool countedAlready)
    {
        if (!countedAlready) Interlocked.Increment(ref _count);
        connection.Closed += OnClosed;
        // A newer connection from the same peer endpoint replaces the entry; the old one stays open
        // until it closes by itself.
        _connections[connection.Remote] = connection;
        connection.Start();
        _logger.TcpConnectionOpened(connection.Remote, connection.Id, connection.Inbound ? "in" : "out");
    }

    private void OnClosed(SipTcpConnection connection)
    {
        Interlocked.Decrement(ref _count);
        if (connection.Inbound) ReleaseAddress(connection.Remote.Address);
        _connections.TryRemove(new KeyValuePair<IPEndPoint, SipTcpConnection>(connection.Remote, connection));
        try { ConnectionClosed?.Invoke(connection); }
        catch (Exception ex) { _logger.TcpClosedHandlerFailed(ex); }
    }

    /// <summary>Raised after a connection closed (so transactions waiting on it can fail at once).</summary>
    public event Action<SipTcpConnection>? ConnectionClosed;

    /// <summary>An open connection to <paramref name="remote"/>, if any.</summary>
    public SipTcpConnection? Find(IPEndPoint remote) =>
        _connections.TryGetValue(Normalize(remote), out var c) && c.IsOpen ? c : null;

    /// <summary>IPv4-mapped IPv6 addresses become plain IPv4 so both spellings find the same connection.</summary>
    internal static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Reuses an open connection to <paramref name="remote"/> or opens a new one.</summary>
    /// <param name="serverName">For TLS, the name the peer's certificate must carry (the host we dialled); null: its IP address.</param>
    public async ValueTask<SipTcpConnection> GetOrConnectAsync(IPEndPoint remote, CancellationToken cancellationToken, string? serverName = null)
    {
        remote = Normalize(remote);
        if (Find(remote) is { } existing) return existing;
        // Sends that find no connection share one connect instead of opening one each: a burst would otherwise
        // open dozens at once, and the peer may refuse past its per-address limit (ours is MaxConnectionsPerAddress).
        var pending = _connecting.GetOrAdd(remote, static (r, state) => new Lazy<Task<SipTcpConnection>>(() => state.Self.ConnectAsync(r, state.ServerName)), (ServerName: serverName, Self: this));
        try
        {
            return await pending.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connecting.TryRemove(new KeyValuePair<IPEndPoint, Lazy<Task<SipTcpConnection>>>(remote, pending));
        }
    }

    private async Task<SipTcpConnection> ConnectAsync(IPEndPoint remote, string? serverName)
    {
        if (Find(remote) is { } existing) return existing;
        if (Volatile.Read(ref _count) >= _options.MaxConnections)
            throw new SipTransportException($"Cannot connect to {remote}: {_options.MaxConnections} {_protocol.ToViaToken()} connections open.");
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new SipTransportException($"{_protocol.ToViaToken()} connect to {remote} failed: {ex.Message}", ex);
        }
        SslStream? tls = null;
        if (_protocol == SipTransportProtocol.Tls)
        {
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            handshake.CancelAfter(_options.Tls.HandshakeTimeout);
            try
            {
                // RFC 5922 §7.2: the certificate must name the host we meant to reach.
                await tls.AuthenticateAsClientAsync(_options.Tls.ClientOptions(serverName ?? remote.Address.ToString()), handshake.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
            {
                Interlocked.Increment(ref _failedHandshakes);
                await tls.DisposeAsync().ConfigureAwait(false);
                var reason = ex is OperationCanceledException ? "handshake timed out" : Innermost(ex).Message;
                _logger.TlsHandshakeFailed(remote, reason);
                throw new SipTransportException($"TLS to {remote} failed: {reason}", ex);
            }
        }
        var connection = new SipTcpConnection(socket, tls, inbound: false, _sink, _parserOptions, _options, _timers.TimeProvider, _logger);
        if (Find(remote) is { } raced)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return raced;
        }
        Register(connection, countedAlready: false);
        return connection;
    }

    private void Housekeep()
    {
        if (_stop.IsCancellationRequested) return;
        long now = _timers.TimeProvider.GetTimestamp();
        foreach (var connection in _connections.Values) connection.CheckTimeouts(now);
        try
        {
            _housekeeping = _timers.Schedule(_options.HousekeepingInterval, static s => ((SipTcpTransport)s!).Housekeep(), this);
        }
        catch (ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _housekeeping?.Cancel();
        foreach (var (socket, _) in _listeners) socket.Dispose();
        await Task.WhenAll(_listeners.Select(l => l.Loop)).ConfigureAwait(false);
        foreach (var connection in _connections.Values) await connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
