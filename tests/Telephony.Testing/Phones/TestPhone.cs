using System.Threading.Channels;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Legs;
using Telephony.Media.Sdp;
using Telephony.Sip.UserAgent;

namespace Telephony.Testing.Phones;

/// <summary>
/// A headless loopback phone for the call tests: our own UA and one <see cref="MediaLeg"/> per call on a
/// shared <see cref="MediaEngine"/>. It sends a steady tone of its own frequency and keeps what it hears
/// (decoded through the leg's jitter buffer, so about 40-60 ms after it arrived) while <see cref="Listening"/>.
/// </summary>
public sealed class TestPhone : IAudioSink, IAsyncDisposable
{
    private readonly MediaEngine _engine;
    private readonly MediaLegOptions _options;
    private readonly List<short> _received = [];
    private readonly Lock _gate = new();
    private MediaLeg? _leg;

    private TestPhone(SipUserAgent ua, double toneHz, MediaEngine engine, bool offerSrtp)
    {
        Ua = ua;
        ToneHz = toneHz;
        _engine = engine;
        _options = offerSrtp ? Options with { Negotiator = new SdpNegotiatorOptions { Codecs = ["PCMA", "PCMU"], UserName = "testphone", OfferSrtp = true } } : Options;
    }

    public SipUserAgent Ua { get; }

    public double ToneHz { get; }

    /// <summary>Keep received audio from now on.</summary>
    public bool Listening { get; set; }

    /// <summary>The current call's media (null before the first offer or answer).</summary>
    public MediaLeg? Leg => _leg;

    /// <summary>Each answered call (one at a time, <see cref="AutoAnswer"/>).</summary>
    public Channel<SipCall> Answered { get; } = Channel.CreateUnbounded<SipCall>();

    /// <summary>When each INVITE reached <see cref="AutoAnswer"/> (<see cref="Stamp"/>).</summary>
    public Channel<long> InvitedAt { get; } = Channel.CreateUnbounded<long>();

    /// <summary>A phone at <paramref name="localUri"/> on an ephemeral loopback UDP port; digest credentials when it registers.</summary>
    // A-law first, as many carriers' phones do: calls then cross the B2BUA between codecs unless it
    // offers the other side the caller's codec first (the tests check that it does).
    private static readonly MediaLegOptions Options = MediaLegOptions.Softphone with
    {
        Negotiator = new Telephony.Media.Sdp.SdpNegotiatorOptions { Codecs = ["PCMA", "PCMU"], UserName = "testphone" },
    };

    /// <paramref name="offerSrtp"/>: its offers are RTP/SAVP with SDES keys (RFC 4568), as a phone with mandatory SRTP.
    /// <paramref name="tls"/>: the phone listens on TLS instead of UDP, with that certificate (a seat phone over TLS).
    public static async Task<TestPhone> StartAsync(string localUri, double toneHz, MediaEngine engine, string? user = null, string? password = null, bool offerSrtp = false,
        Telephony.Sip.Transport.SipTlsOptions? tls = null) =>
        new(await SipUserAgent.StartAsync(tls is null ? "udp:127.0.0.1:0" : "tls:127.0.0.1:0", new SipUserAgentOptions { LocalUri = localUri, Username = user, Password = password },
            tls: tls), toneHz, engine, offerSrtp);

    /// <summary>Our SDP offer for a new call (fresh media).</summary>
    public byte[] Offer() => OpenMedia().CreateOffer();

    /// <summary>Applies the answer to <see cref="Offer"/>: the tone starts.</summary>
    public void ApplyAnswer(ReadOnlyMemory<byte> answer)
    {
        var result = _leg!.AcceptAnswer(answer);
        Assert.That(result.Success, Is.True, result.Error);
        _ = _leg.Play(Tones.Continuous(ToneHz, 6000));
    }

    /// <summary>Answers an offer on fresh media: the tone starts; returns our SDP answer.</summary>
    public byte[] Answer(ReadOnlyMemory<byte> offer)
    {
        var leg = OpenMedia();
        var result = leg.AnswerOffer(offer);
        Assert.That(result.Success, Is.True, result.Error);
        _ = leg.Play(Tones.Continuous(ToneHz, 6000));
        return MediaLeg.Body(result);
    }

    /// <summary>A new offer on the current media (re-INVITE): <paramref name="direction"/> sendonly/inactive puts the peer on hold.</summary>
    public byte[] ReOffer(MediaDirection direction) => _leg!.CreateOffer(direction);

    /// <summary>Answers every incoming call (one at a time) until disposed; each answered call is written to <see cref="Answered"/>.</summary>
    public void AutoAnswer() => _ = Task.Run(async () =>
    {
        try
        {
            await foreach (var call in Ua.IncomingCalls.ReadAllAsync())
            {
                InvitedAt.Writer.TryWrite(Stamp.Now);
                await call.AcceptAsync(Answer(call.Invite.Body));
                Answered.Writer.TryWrite(call);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or ChannelClosedException)
        {
        }
    });

    /// <summary>What this phone hears during the next <paramref name="ms"/> milliseconds (decoded PCM).</summary>
    public async Task<short[]> ListenAsync(int ms = 1000)
    {
        Listening = false;
        var before = Received().Length;
        Listening = true;
        await Task.Delay(ms);
        Listening = false;
        return Received()[before..];
    }

    /// <summary>Everything heard while listening, since the current call's media opened.</summary>
    public short[] Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    /// <summary>
    /// The leg's jitter buffer hands over one frame per media tick; a frame of exact zeros is what it
    /// gives when nothing arrived, and is not kept, so "receives audio" still means packets came in.
    /// </summary>
    void IAudioSink.WriteFrame(ReadOnlySpan<short> frame)
    {
        if (!Listening || !frame.ContainsAnyExcept((short)0))
        {
            return;
        }
        lock (_gate)
        {
            _received.AddRange(frame);
        }
    }

    /// <summary>Fresh media for each call (the previous call's leg is closed).</summary>
    private MediaLeg OpenMedia()
    {
        CloseMedia();
        var leg = MediaLeg.Open(_engine, _options, out var error) ?? throw new InvalidOperationException(error);
        lock (_gate)
        {
            _received.Clear();
        }
        leg.HearInto(this);
        _leg = leg;
        return leg;
    }

    private void CloseMedia()
    {
        if (Interlocked.Exchange(ref _leg, null) is { } leg)
        {
            _ = leg.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Ua.DisposeAsync();
        CloseMedia();
    }
}
