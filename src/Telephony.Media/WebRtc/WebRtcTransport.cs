using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Tls;
using Telephony.Media.Rtp;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Ice;

namespace Telephony.Media.WebRtc;

/// <summary>
/// ICE-lite, DTLS and SRTP on one RTP session's port, the way a browser expects (RFC 8829 §5, RFC 8445
/// §2.5, RFC 5763/5764): STUN checks are answered and pick the media peer; DTLS records from that peer go
/// to a DTLS-SRTP server handshake on its own thread, which, when the client's certificate matches the
/// fingerprint signalled in its SDP, hands the exported keys to the session as SRTP
/// (<see cref="RtpSession.Protection"/>). <see cref="Secured"/> completes with <see cref="WebRtcFailure.None"/>
/// then, or with the reason the media did not become secure (bounded by the handshake timeout).
/// </summary>
public sealed class WebRtcTransport : IRtpPortSharing, IAsyncDisposable
{
    // After the handshake the thread stays a while to answer a client that lost our last flight
    // (it retransmits its Finished, RFC 6347 §4.2.4), then goes: audio needs no DTLS application data.
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(20);

    private readonly RtpSession _session;
    private readonly DtlsIdentity _identity;
    private readonly ILogger _log;
    private readonly TimeSpan _timeout;
    private readonly DtlsDatagramChannel _channel;
    private readonly byte[] _stunOut = new byte[IceLiteResponder.MaxResponseLength];
    private readonly TaskCompletionSource<WebRtcFailure> _secured = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task? _handshake;
    private int _started;

    /// <summary>Puts ICE-lite and DTLS-SRTP on <paramref name="session"/> (before it starts receiving).</summary>
    public WebRtcTransport(RtpSession session, DtlsIdentity identity, ILogger? logger = null, TimeSpan? timeout = null)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _log = logger ?? NullLogger.Instance;
        _timeout = timeout ?? TimeSpan.FromSeconds(15);
        Ice = new IceLiteResponder(IceCredentials.Generate(), session.LocalRtpEndPoint, _log);
        _channel = new DtlsDatagramChannel(SendDtls);
        session.Transport = this;
    }

    /// <summary>The ICE side (our credentials for the SDP, the selected peer, counters).</summary>
    public IceLiteResponder Ice { get; }

    /// <summary>Our certificate's fingerprint for a=fingerprint.</summary>
    public DtlsFingerprint LocalFingerprint => _identity.Fingerprint;

    /// <summary>Completes when SRTP is on (<see cref="WebRtcFailure.None"/>) or the media cannot become secure.</summary>
    public Task<WebRtcFailure> Secured => _secured.Task;

    /// <summary>
    /// The peer's ICE username fragment and DTLS fingerprint from its answer: checks are now matched against
    /// the full username, and the DTLS handshake starts (records that came early are queued).
    /// </summary>
    public void Start(string remoteUfrag, DtlsFingerprint remoteFingerprint)
    {
        ArgumentNullException.ThrowIfNull(remoteFingerprint);
        Ice.SetRemote(remoteUfrag);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _stop.CancelAfter(_timeout);
            _handshake = Task.Factory.StartNew(() => Handshake(remoteFingerprint), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    void IRtpPortSharing.OnStun(RtpSession session, ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        int n = Ice.Handle(datagram, from, _stunOut, out _, out bool changed);
        if (changed && Ice.Selected is { } peer)
        {
            session.SetIcePeer(peer);
        }
        if (n > 0)
        {
            session.SendDatagram(_stunOut.AsSpan(0, n), from);
        }
    }

    void IRtpPortSharing.OnDtls(RtpSession session, ReadOnlySpan<byte> datagram, SocketAddress from) => _channel.Offer(datagram);

    private bool SendDtls(ReadOnlyMemory<byte> record) => Ice.Selected is { } peer && _session.SendDatagram(record.Span, peer);

    private void Handshake(DtlsFingerprint expected)
    {
        var server = new DtlsSrtpServer(_identity, expected, (int)_timeout.TotalMilliseconds);
        // The timeout bounds the handshake only: once secured, closing the channel would make the serving transport
        // send the browser a fatal alert (user_canceled), and the browser fails the whole peer connection (it did
        // so a security timeout after every answer: agents' calls and supervisors' listening ended at ~10 s).
        var closeOnStop = _stop.Token.Register(_channel.Close);
        DtlsTransport dtls;
        try
        {
            dtls = new DtlsServerProtocol().Accept(server, _channel);
            closeOnStop.Dispose();
        }
#pragma warning disable CA1031 // every way the handshake can end is one of the failure reasons
        catch (Exception e)
#pragma warning restore CA1031
        {
            var failure = server.Failure != WebRtcFailure.None ? server.Failure
                : Ice.Selected is null ? (Ice.Refused > 0 ? WebRtcFailure.IceRefused : WebRtcFailure.NoIceCheck)
                : e is TlsTimeoutException || _stop.IsCancellationRequested ? WebRtcFailure.Timeout
                : WebRtcFailure.HandshakeFailed;
            if (_disposed)
            {
                failure = WebRtcFailure.Closed;
            }
            closeOnStop.Dispose();
            WebRtcLog.NotSecured(_log, _session.LocalRtpEndPoint, failure, e.Message);
            _secured.TrySetResult(failure);
            return;
        }

        _session.Protection = server.Keys!.CreateProtection(server: true);
        WebRtcLog.Secured(_log, _session.LocalRtpEndPoint, _session.RemoteRtpEndPoint);
        _secured.TrySetResult(WebRtcFailure.None);
        Serve(dtls);
    }

    private void Serve(DtlsTransport dtls)
    {
        var buffer = new byte[1500];
        var until = DateTime.UtcNow + Linger;
        try
        {
            while (!_disposed && DateTime.UtcNow < until)
            {
                dtls.Receive(buffer, 0, buffer.Length, 500);
            }
        }
#pragma warning disable CA1031 // the peer closed or the leg went: nothing to do either way
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private volatile bool _disposed;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _channel.Close();
        _secured.TrySetResult(WebRtcFailure.Closed);
        if (_handshake is { } handshake)
        {
            await handshake.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
