using System.Net;
using Telephony.Media.Jitter;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Legs;

/// <summary>
/// Our media end of one call leg, the same for every endpoint (server B2BUA legs, the softphone, the
/// load generator's callers, the test phones): an RTP session on a port pair leased from the
/// <see cref="MediaEngine"/>, its SDP offer/answer state (<c>MediaLeg.Negotiation.cs</c>), a sender
/// on the one media clock that plays a source and sends RFC 4733 key presses
/// (<c>MediaLeg.Sending.cs</c>), and a receive path that reports key presses, as RFC 4733 events or
/// in-band tones, and optionally decodes what it hears into a sink (<c>MediaLeg.Receiving.cs</c>).
/// While the leg is bridged or mixed the bridge takes the <see cref="Session"/>'s packets instead
/// (set <see cref="RtpSession.Handler"/> back to the leg afterwards).
/// </summary>
public sealed partial class MediaLeg : IRtpPacketHandler, IMediaTickListener, IAsyncDisposable
{
    // The clock thread (OnTick), the call's mailbox (Play, SendDigit, negotiation) and Dispose meet here;
    // held for a few microseconds per tick, never while sending blocks.
    private readonly Lock _gate = new();
    private readonly MediaEngine _engine;
    private readonly MediaLegOptions _options;
    private readonly SdpNegotiator _negotiator;
    private bool _disposed;

    private MediaLeg(MediaEngine engine, RtpSession session, MediaLegOptions options)
    {
        _engine = engine;
        _options = options;
        Session = session;
        _negotiator = new SdpNegotiator(options.Negotiator, engine.SdpAddress, session.LocalRtpEndPoint.Port);
        session.Handler = this;
        session.Start();
    }

    /// <summary>
    /// Opens a leg on a free port pair of <paramref name="engine"/>; null (with the reason, for a 503) when
    /// the pool is exhausted. <paramref name="options"/> default to <see cref="MediaLegOptions.Server"/>.
    /// </summary>
    public static MediaLeg? Open(MediaEngine engine, MediaLegOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= MediaLegOptions.Server;
        var session = RtpSession.TryOpen(engine.Ports, new RtpSessionOptions
        {
            Logger = options.Logger,
            TimeProvider = engine.Time,
            ReceiveLoop = engine.ReceiveLoop,
        }, out error);
        return session is null ? null : new MediaLeg(engine, session, options);
    }

    /// <summary>The RTP session, for bridges, mixers and recorders that take over its packets.</summary>
    public RtpSession Session { get; }

    /// <summary>Our RTP address.</summary>
    public IPEndPoint LocalRtpEndPoint => Session.LocalRtpEndPoint;

    /// <summary>The peer's RTP address (null before negotiation), for logs.</summary>
    public IPEndPoint? Remote => Session.RemoteRtpEndPoint;

    /// <summary>RTP packets handed to the leg (audio and events; not those a bridge took).</summary>
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    /// <summary>Audio frames sent by the leg's sender.</summary>
    public long FramesSent => _sender?.FramesSent ?? 0;

    /// <summary>Key presses reported through <see cref="DigitReceived"/>.</summary>
    public long DigitsReceived => Interlocked.Read(ref _digitsReported);

    /// <summary>
    /// Turns SRTP on (or off with null) for the leg: what the leg, a bridge or a mixer sends is protected
    /// after it is built, what arrives is authenticated and decrypted before strict RTP and the rest see it
    /// (<see cref="RtpSession.Protection"/>). The session owns the protection from here on.
    /// </summary>
    public void Protect(Srtp.SrtpProtection? protection) => Session.Protection = protection;

    /// <summary>True while the leg's media is SRTP.</summary>
    public bool IsSecure => Session.Protection is not null;

    /// <summary>The session's quality figures (loss, jitter, round trip), for call records.</summary>
    public RtpStreamStatistics GetStatistics() => Session.GetStatistics();

    /// <summary>The jitter buffer's figures while the leg decodes into a sink (null otherwise).</summary>
    public JitterBufferStats? HeardStatistics => _heard?.Stats;

    /// <summary>Off the clock, RTCP BYE, ports back to the pool; a pending <see cref="Play"/> task completes. The sink is the caller's to close.</summary>
    public async ValueTask DisposeAsync()
    {
        _engine.Clock.Remove(this);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_sender is not null)
            {
                _sender.Source = null;
            }
            _sink = null;
        }
        Interlocked.Exchange(ref _played, null)?.TrySetResult();
        if (_webRtc is { } webRtc)
        {
            await webRtc.DisposeAsync().ConfigureAwait(false);
        }
        await Session.DisposeAsync().ConfigureAwait(false);
    }
}
