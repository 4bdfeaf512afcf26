using System.Diagnostics;
using System.Net;
using System.Text;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Clock;
using Telephony.Media.Codecs;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// A headless phone for the call tests, built on our own UA and media engine: it sends a steady
/// tone of its own frequency and keeps the audio it receives (decoded) once <see cref="Listening"/>.
/// </summary>
internal sealed class TestPhone : IRtpPacketHandler, IAsyncDisposable
{
    private static readonly RtpPortPool Pool = new(IPAddress.Loopback, 16400, 16599);
    private readonly MediaClock _clock;
    private readonly List<short> _received = [];
    private readonly Lock _gate = new();
    private RtpSession? _session;
    private RtpAudioSender? _sender;
    private SdpNegotiator? _negotiator;
    private IAudioCodec? _codec;
    private int _payloadType;

    private TestPhone(SipUserAgent ua, double toneHz, MediaClock clock)
    {
        Ua = ua;
        ToneHz = toneHz;
        _clock = clock;
    }

    public SipUserAgent Ua { get; }

    public double ToneHz { get; }

    /// <summary>Keep received audio from now on.</summary>
    public bool Listening { get; set; }

    public static async Task<TestPhone> StartAsync(string localUri, double toneHz, MediaClock clock, string? user = null, string? password = null) =>
        new(await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = localUri, Username = user, Password = password }), toneHz, clock);

    public byte[] Offer()
    {
        OpenMedia();
        return Encoding.UTF8.GetBytes(_negotiator!.CreateOffer().ToString());
    }

    public void ApplyAnswer(ReadOnlyMemory<byte> answer)
    {
        var result = _negotiator!.AcceptAnswer(Encoding.UTF8.GetString(answer.Span));
        Assert.That(result.Success, Is.True, result.Error);
        Start(result.Audio!);
    }

    public byte[] Answer(ReadOnlyMemory<byte> offer)
    {
        OpenMedia();
        var result = _negotiator!.Answer(Encoding.UTF8.GetString(offer.Span));
        Assert.That(result.Success, Is.True, result.Error);
        Start(result.Audio!);
        return Encoding.UTF8.GetBytes(result.Answer!.ToString());
    }

    /// <summary>A new offer on the current media (re-INVITE): <paramref name="direction"/> sendonly/inactive puts the peer on hold.</summary>
    public byte[] ReOffer(MediaDirection direction) => Encoding.UTF8.GetBytes(_negotiator!.CreateOffer(direction).ToString());

    /// <summary>Fresh media for each call (the previous call's session is closed).</summary>
    private void OpenMedia()
    {
        CloseMedia();
        _session = RtpSession.TryOpen(Pool, new RtpSessionOptions(), out var error) ?? throw new InvalidOperationException(error);
        _negotiator = new SdpNegotiator(new SdpNegotiatorOptions { Codecs = ["PCMA", "PCMU"] }, IPAddress.Loopback, _session.LocalRtpEndPoint.Port);
        lock (_gate)
        {
            _received.Clear();
        }
    }

    private void CloseMedia()
    {
        if (_sender is not null)
        {
            _clock.Remove(_sender);
            _sender = null;
        }
        if (_session is not null)
        {
            _ = _session.DisposeAsync().AsTask();
            _session = null;
        }
    }

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
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or System.Threading.Channels.ChannelClosedException)
        {
        }
    });

    public System.Threading.Channels.Channel<SipCall> Answered { get; } = System.Threading.Channels.Channel.CreateUnbounded<SipCall>();

    public System.Threading.Channels.Channel<long> InvitedAt { get; } = System.Threading.Channels.Channel.CreateUnbounded<long>();

    private void Start(NegotiatedAudio audio)
    {
        Assert.That(CodecRegistry.Default.TryCreate(audio.EncodingName, audio.ClockRate, out _codec), Is.True);
        _payloadType = audio.PayloadType;
        _session!.SetRemote(audio.RemoteRtp, audio.RemoteRtcp);
        _session.Handler = this;
        _session.Start();
        CodecRegistry.Default.TryCreate(audio.EncodingName, audio.ClockRate, out var sendCodec);
        _sender = new RtpAudioSender(_session, sendCodec!, audio.PayloadType) { Source = Tones.Continuous(ToneHz, 6000) };
        _clock.Add(_sender);
    }

    public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
    {
        if (!Listening || !RtpPacket.TryParse(packet, out var rtp) || rtp.PayloadType != _payloadType || _codec is null)
        {
            return;
        }
        Span<short> pcm = stackalloc short[640];
        int n = _codec.Decode(rtp.Payload, pcm);
        lock (_gate)
        {
            foreach (var s in pcm[..n])
            {
                _received.Add(s);
            }
        }
    }

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

    public short[] Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Ua.DisposeAsync();
        CloseMedia();
    }
}

/// <summary>Tone checks: Goertzel power at a frequency, relative to another.</summary>
internal static class ToneCheck
{
    public static double Power(ReadOnlySpan<short> samples, double hz, int rate = 8000)
    {
        double w = 2 * Math.PI * hz / rate, coeff = 2 * Math.Cos(w), s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1) + (s2 * s2) - (coeff * s1 * s2);
    }

    /// <summary>True when <paramref name="expected"/> is at least 10× stronger than <paramref name="other"/> and the signal is not silence.</summary>
    /// <summary>A stereo 16-bit recording as its two channels (left = caller, right = agent).</summary>
    public static (short[] Left, short[] Right) ReadStereo(string path)
    {
        using var wav = new NAudio.Wave.WaveFileReader(path);
        var bytes = new byte[wav.Length];
        int frames = wav.Read(bytes, 0, bytes.Length) / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (int i = 0; i < frames; i++)
        {
            left[i] = BitConverter.ToInt16(bytes, i * 4);
            right[i] = BitConverter.ToInt16(bytes, (i * 4) + 2);
        }
        return (left, right);
    }

    public static bool Dominates(ReadOnlySpan<short> samples, double expected, double other) =>
        samples.Length >= 1600 && Power(samples, expected) > 10 * Power(samples, other) && Power(samples, expected) > 1e9;
}

/// <summary>A stopwatch stamp for ordering events across threads.</summary>
internal static class Stamp
{
    public static long Now => Stopwatch.GetTimestamp();
}
