using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Clock;
using Telephony.Media.Ports;
using Telephony.Media.Rtcp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Rtp;

/// <summary>Configuration of a node's RTP side.</summary>
public sealed class RtpEngineOptions
{
    /// <summary>The media address: sockets bind here only and SDP advertises it.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    /// <summary>First port of the RTP range (rounded up to even).</summary>
    public int PortMin { get; init; } = 20000;
    /// <summary>Last port of the range (the last RTCP port).</summary>
    public int PortMax { get; init; } = 39999;
    /// <summary>Symmetric RTP threshold, see <see cref="RtpSessionOptions.LatchAfterPackets"/>.</summary>
    public int LatchAfterPackets { get; init; } = 3;
    /// <summary>Receives the sessions' RTP/RTCP on its threads (64-bit Linux); null = async receives per socket.</summary>
    public Linux.RtpReceiveLoop? ReceiveLoop { get; init; }
    /// <summary>What we offer and accept in SDP.</summary>
    public SdpNegotiatorOptions Sdp { get; init; } = new();
}

/// <summary>
/// The RTP side of one node: the port pool, the RTCP reporter on the one media clock, and a
/// factory for sessions and their offer/answer negotiators. The server creates one and hands
/// sessions to calls; a session is opened per call leg and closed with the leg.
/// </summary>
public sealed class RtpEngine
{
    private readonly RtpEngineOptions _options;
    private readonly ILoggerFactory _loggers;

    public RtpEngine(RtpEngineOptions options, MediaClock clock, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        Ports = new RtpPortPool(options.Address, options.PortMin, options.PortMax);
        Clock = clock;
        clock.Add(Rtcp);
    }

    public RtpPortPool Ports { get; }
    public MediaClock Clock { get; }
    public RtcpReporter Rtcp { get; } = new();

    /// <summary>
    /// Opens and starts a session for one call leg (RTCP reports included), or returns null
    /// with the reason (port pool exhausted): answer the INVITE with 503 then.
    /// </summary>
    public RtpSession? TryOpenSession(out string? error, ILogger? logger = null)
    {
        var session = RtpSession.TryOpen(Ports, new RtpSessionOptions
        {
            LatchAfterPackets = _options.LatchAfterPackets,
            ReceiveLoop = _options.ReceiveLoop,
            Logger = logger ?? _loggers.CreateLogger<RtpSession>(),
        }, out error);
        if (session is null)
        {
            return null;
        }

        session.Start();
        Rtcp.Add(session);
        return session;
    }

    /// <summary>An offer/answer negotiator advertising this session's address and port.</summary>
    public SdpNegotiator CreateNegotiator(RtpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new SdpNegotiator(_options.Sdp, _options.Address, session.LocalRtpEndPoint.Port);
    }

    /// <summary>Stops RTCP for the session, sends BYE and gives its ports back.</summary>
    public async ValueTask CloseSessionAsync(RtpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Rtcp.Remove(session);
        await session.DisposeAsync().ConfigureAwait(false);
    }
}
