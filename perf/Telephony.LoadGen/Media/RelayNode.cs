using System.Net;
using Telephony.Media;
using Telephony.Media.Bridge;
using Telephony.Media.Codecs;
using Telephony.Media.Recording;
using Telephony.Media.Rtp;
using Telephony.Media.Rtp.Linux;
using Telephony.Media.WebRtc;
using Telephony.Media.WebRtc.Dtls;

namespace Telephony.LoadGen.Media;

/// <summary>
/// The relay under test: N bridged G.711 calls as a node runs them (one RTP session, i.e. one
/// socket pair, per leg; an <see cref="RtpBridge"/> per call; optionally the call recorder as the
/// bridge tap on the one media clock), received through the node's <see cref="RtpReceiveLoop"/>
/// or, with zero receive threads, through one async receive per socket. Clock, ports and receive loop
/// are a <see cref="MediaEngine"/>'s, as on a node. With a browser fingerprint, leg 1 of every call is a
/// browser's leg as the desk's web phone gets one (<see cref="WebRtcTransport"/>: ICE-lite, DTLS-SRTP server,
/// SRTP AES_CM_128_HMAC_SHA1_80, rtcp-mux), waiting for the generator's checks and handshake.
/// </summary>
internal sealed class RelayNode : IAsyncDisposable
{
    private readonly List<RtpSession> _legs = [];
    private readonly List<RtpBridge> _bridges = [];
    private readonly List<RtpCallRecorder> _recorders = [];
    private readonly List<WebRtcTransport> _webRtc = [];
    private readonly MediaEngine _engine;
    private readonly string? _recordDirectory;
    private readonly int _priority;

    private RelayNode(MediaEngineOptions media, string? recordDirectory)
    {
        _engine = new MediaEngine(media);
        _recordDirectory = recordDirectory;
        _priority = media.RealtimePriority;
        if (recordDirectory is not null)
        {
            Directory.CreateDirectory(recordDirectory);
        }
    }

    /// <summary>(leg 0, leg 1) RTP ports per call, in call order.</summary>
    public List<(int Leg0, int Leg1)> Calls { get; } = [];

    /// <summary>Leg 1's ICE credentials per call, in call order (empty unless leg 1 is a browser's).</summary>
    public List<(string Ufrag, string Password)> BrowserLegs { get; } = [];

    /// <summary>The node's DTLS certificate fingerprint (the a=fingerprint of its offers).</summary>
    public DtlsIdentity Identity { get; } = DtlsIdentity.Create();

    /// <summary>
    /// Opens <paramref name="calls"/> calls whose leg 0 sends to a caller-side generator socket and
    /// leg 1 to an agent-side one (round-robin over the lists); with <paramref name="browser"/>, leg 1 is a
    /// WebRTC leg that takes as its peer whoever passes ICE with ufrag <paramref name="browserUfrag"/> and
    /// presents the certificate of that fingerprint.
    /// </summary>
    public static RelayNode Open(int calls, IPAddress bind, int portMin, int portMax, IReadOnlyList<IPEndPoint> callers,
        IReadOnlyList<IPEndPoint> agents, int receiveThreads, int priority, string? recordDirectory,
        DtlsFingerprint? browser = null, string browserUfrag = "")
    {
        var node = new RelayNode(new MediaEngineOptions
        {
            BindAddress = bind,
            PortMin = portMin,
            PortMax = portMax,
            ReceiveThreads = receiveThreads,
            RealtimePriority = priority,
        }, recordDirectory);
        var pool = node._engine.Ports;
        var options = new RtpSessionOptions { ReceiveLoop = node._engine.ReceiveLoop };
        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 101, TelephoneEventPayloadTypes = [101] };
        for (int c = 0; c < calls; c++)
        {
            var leg0 = RtpSession.TryOpen(pool, options, out string? e0);
            var leg1 = RtpSession.TryOpen(pool, options, out string? e1);
            if (leg0 is null || leg1 is null)
            {
                throw new InvalidOperationException($"could not open call {c}: {e0 ?? e1}");
            }

            node._legs.Add(leg0);
            node._legs.Add(leg1);
            leg0.SetRemote(callers[c % callers.Count]);
            if (browser is null)
            {
                leg1.SetRemote(agents[c % agents.Count]);
            }
            else
            {
                // All handshakes run one after the other before the load starts: a generous timeout.
                var webRtc = new WebRtcTransport(leg1, node.Identity, timeout: HandshakeTimeout);
                webRtc.Start(browserUfrag, browser);
                node._webRtc.Add(webRtc);
                node.BrowserLegs.Add((webRtc.Ice.Local.UsernameFragment, webRtc.Ice.Local.Password));
            }

            RtpCallRecorder? recorder = null;
            if (recordDirectory is not null)
            {
                recorder = new RtpCallRecorder(Path.Combine(recordDirectory, $"call-{c}.wav"), PcmuCodec.Instance, 0, PcmuCodec.Instance, 0);
                node._recorders.Add(recorder);
                node._engine.Clock.Add(recorder);
            }

            node._bridges.Add(new RtpBridge(leg0, format, leg1, format, recorder));
            leg0.Start();
            leg1.Start();
            node.Calls.Add((leg0.LocalRtpEndPoint.Port, leg1.LocalRtpEndPoint.Port));
        }

        node._engine.Start();
        return node;
    }

    /// <summary>How long the browser legs wait for their checks and handshakes.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Browser legs whose DTLS-SRTP handshake completed.</summary>
    public int SecuredLegs => _webRtc.Count(t => t.Secured.IsCompletedSuccessfully && t.Secured.Result == WebRtcFailure.None);

    /// <summary>SRTP packets the browser legs refused (bad tag, replay): must stay 0 under load.</summary>
    public long UnauthenticatedPackets => _webRtc.Count == 0 ? 0 : _legs.Sum(l => l.GetStatistics().UnauthenticatedPackets);

    public string Mode => _engine.ReceiveLoop is not { } loop ? "async receive per socket (.NET socket engine)" : $"receive loop, {loop.Threads} thread(s), epoll + recvmmsg{(_priority > 0 ? $", SCHED_FIFO {_priority}" : "")}";

    /// <summary>Packets the bridges did not relay (hold, unknown PT, send failure).</summary>
    public long Dropped => _bridges.Sum(b => b.Dropped(0) + b.Dropped(1));

    /// <summary>A line about the recordings, or null when not recording.</summary>
    public string? RecordingSummary()
    {
        if (_recorders.Count == 0)
        {
            return null;
        }

        var seconds = _recorders.Select(r => r.Recorder.Duration.TotalSeconds).ToList();
        long lost = _recorders.Sum(r => r.CallerStats.Lost + r.AgentStats.Lost);
        long underruns = _recorders.Sum(r => r.CallerStats.Underruns + r.AgentStats.Underruns);
        return FormattableString.Invariant(
            $"recorded {_recorders.Count} calls: {seconds.Min():F1}-{seconds.Max():F1} s of audio each, media clock skipped {_engine.Clock.SkippedTicks} ticks, jitter buffers: {lost} frames lost, {underruns} underruns");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var b in _bridges)
        {
            b.Dispose();
        }

        foreach (var t in _webRtc)
        {
            await t.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var l in _legs)
        {
            await l.DisposeAsync().ConfigureAwait(false);
        }

        await _engine.DisposeAsync().ConfigureAwait(false); // stop ticking before the recorders close
        foreach (var r in _recorders)
        {
            r.Dispose();
        }

        if (_recordDirectory is not null && Directory.Exists(_recordDirectory))
        {
            Directory.Delete(_recordDirectory, recursive: true);
        }
    }
}
