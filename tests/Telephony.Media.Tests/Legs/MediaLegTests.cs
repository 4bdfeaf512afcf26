using System.Collections.Concurrent;

namespace Telephony.Media.Tests.Legs;

/// <summary>
/// The one media leg: offer/answer as server and softphone legs do it, playing, RFC 4733 both ways,
/// and in-band DTMF on the receive path. End-to-end cases run two legs over loopback on one engine
/// (ports 32000-32099); receive-path cases hand the leg packets directly with arrival times of their own.
/// </summary>
[CancelAfter(20_000)]
public class MediaLegTests
{
    private static readonly long TicksPerFrame = Stopwatch.Frequency / 50;
    private static readonly MediaLegOptions NoTelephoneEvent = MediaLegOptions.Softphone with
    {
        Negotiator = new SdpNegotiatorOptions { Codecs = ["PCMU"], TelephoneEvent = false },
    };

    private MediaEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _engine = new MediaEngine(new MediaEngineOptions { PortMin = 32000, PortMax = 32099 });
        _engine.Start();
    }

    [TearDown]
    public async Task TearDown() => await _engine.DisposeAsync();

    [Test]
    public async Task Server_legs_offer_every_codec_and_softphone_legs_G711()
    {
        await using var server = Open(MediaLegOptions.Server);
        await using var softphone = Open(MediaLegOptions.Softphone);
        string serverOffer = Encoding.UTF8.GetString(server.CreateOffer()), softphoneOffer = Encoding.UTF8.GetString(softphone.CreateOffer());
        Assert.That(serverOffer, Does.Contain("G722/8000").And.Contain("telephone-event/8000").And.Contain($" {server.LocalRtpEndPoint.Port} RTP/AVP"));
        Assert.That(softphoneOffer, Does.Contain("PCMU/8000").And.Contain("PCMA/8000").And.Contain("telephone-event/8000").And.Not.Contain("G722"));
        Assert.That(softphoneOffer, Does.Contain("o=softphone "));
    }

    [Test]
    public async Task A_new_offer_from_the_peer_keeps_the_agreed_codec_and_takes_address_and_direction()
    {
        await using var leg = Open(MediaLegOptions.Server);
        Assert.That(leg.AnswerOffer(Offer(40000, "8 0 101")).Success, Is.True);
        Assert.That(leg.Audio!.EncodingName, Is.EqualTo("PCMA"));
        var (audio, error) = leg.ApplyPeerOffer(Offer(40002, "0 8 101", "a=sendonly\r\n"));
        Assert.That(error, Is.Null);
        Assert.That((audio!.EncodingName, audio.RemoteRtp!.Port, audio.RemoteDirection), Is.EqualTo(("PCMA", 40002, MediaDirection.SendOnly)));
        Assert.That(leg.Remote!.Port, Is.EqualTo(40002));
        Assert.That(leg.ApplyPeerOffer(Offer(40004, "18")).Error, Is.Not.Null, "nothing usable: media unchanged");
        Assert.That(leg.Audio.RemoteRtp!.Port, Is.EqualTo(40002));
    }

    [Test]
    public async Task Play_completes_when_the_source_ends_or_is_replaced()
    {
        var (ours, peer) = Connect(MediaLegOptions.Server, MediaLegOptions.Softphone);
        await using (ours)
        await using (peer)
        {
            await ours.Play(new SilenceSource(frames: 3)).WaitAsync(TimeSpan.FromSeconds(3));
            var replaced = ours.Play(Tones.Continuous(440));
            var next = ours.Play(Tones.Continuous(880));
            await replaced.WaitAsync(TimeSpan.FromSeconds(1));
            Assert.That(next.IsCompleted, Is.False);
            ours.StopPlaying();
            await next.WaitAsync(TimeSpan.FromSeconds(1));
            Assert.That(ours.FramesSent, Is.GreaterThanOrEqualTo(3));
        }
    }

    [Test]
    public async Task Key_presses_sent_as_RFC_4733_events_arrive_once_each()
    {
        var (ours, peer) = Connect(MediaLegOptions.Server, MediaLegOptions.Softphone);
        await using (ours)
        await using (peer)
        {
            var digits = new ConcurrentQueue<char>();
            ours.DigitReceived += digits.Enqueue;
            _ = peer.Play(Tones.Continuous(440));
            Assert.That(peer.SendDigit('5', 100) && peer.SendDigit('#', 100), Is.True);
            Assert.That(peer.SendDigit('x'), Is.False);
            Assert.That(await Telephony.Media.Tests.Rtp.RawRtpPeer.WaitUntil(() => digits.Count >= 2), Is.True);
            await Task.Delay(300);
            Assert.That(new string([.. digits]), Is.EqualTo("5#"));
            Assert.That(ours.DigitsReceived, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task Tones_for_9_from_a_peer_without_telephone_event_are_reported_once()
    {
        var (ours, peer) = Connect(MediaLegOptions.Server, NoTelephoneEvent);
        await using (ours)
        await using (peer)
        {
            Assert.That(ours.Audio!.TelephoneEventPayloadType, Is.Null);
            Assert.That(peer.SendDigit('9'), Is.False, "no telephone-event to send it with");
            var digits = new ConcurrentQueue<char>();
            ours.DigitReceived += digits.Enqueue;
            short[] keyPress = [.. Silence(200), .. Key('9', 120), .. Silence(300)];
            await peer.Play(new PromptPlayer(new Prompt("nine", keyPress))).WaitAsync(TimeSpan.FromSeconds(5));
            await Task.Delay(200);
            Assert.That(new string([.. digits]), Is.EqualTo("9"));
        }
    }

    [Test]
    public async Task Speech_and_music_on_hold_give_no_digits_and_cost_no_allocation()
    {
        await using var leg = Open(MediaLegOptions.Server);
        Assert.That(leg.AnswerOffer(Offer(40000, "0")).Success, Is.True);
        var digits = new List<char>();
        leg.DigitReceived += digits.Add;
        var prompts = Path.Combine(RepoRoot(), "ivr-scripts", "prompts");
        var speech = Directory.GetFiles(Path.Combine(prompts, "en"), "*.wav").Order(StringComparer.Ordinal).Take(6).Select(PromptCache.Load);
        var feed = new Feeder(leg, payloadType: 0, PcmuCodec.Instance);
        foreach (var prompt in speech.Append(PromptCache.Load(Path.Combine(prompts, "moh.wav"))))
        {
            feed.Audio(prompt.Samples.ToArray());
        }
        feed.Audio(Voiced(16000));
        Assert.That(digits, Is.Empty, "talk-off: speech and music are not key presses");

        var music = PromptCache.Load(Path.Combine(prompts, "moh.wav")).Samples.ToArray()[..16000];
        feed.Audio(music); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        feed.Audio(music, prebuilt: true);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "decoding and detecting allocate nothing per packet");
    }

    [Test]
    public async Task A_peer_sending_events_and_tones_at_once_is_heard_once_per_key()
    {
        await using var leg = Open(MediaLegOptions.Server with { InBandDtmf = InBandDtmf.Always });
        Assert.That(leg.AnswerOffer(Offer(40000, "0 101")).Success, Is.True);
        var digits = new List<char>();
        leg.DigitReceived += digits.Add;
        var feed = new Feeder(leg, payloadType: 0, PcmuCodec.Instance);
        foreach (char key in "5996")
        {
            feed.KeyPress(key, frames: 6, eventPayloadType: 101, tones: true);
            feed.Audio(Silence(120));
        }
        Assert.That(new string([.. digits]), Is.EqualTo("5996"));
    }

    [Test]
    public async Task Tones_alone_are_ignored_when_telephone_event_was_negotiated_unless_asked()
    {
        await using var byDefault = Open(MediaLegOptions.Server);
        await using var always = Open(MediaLegOptions.Server with { InBandDtmf = InBandDtmf.Always });
        var heard = new List<char>();
        foreach (var leg in new[] { byDefault, always })
        {
            Assert.That(leg.AnswerOffer(Offer(40000, "0 101")).Success, Is.True);
            leg.DigitReceived += heard.Add;
            new Feeder(leg, payloadType: 0, PcmuCodec.Instance).Audio([.. Key('7', 100), .. Silence(100)]);
        }
        Assert.That(new string([.. heard]), Is.EqualTo("7"), "only the leg that always listens hears the tones");
    }

    [Test]
    public async Task Wideband_G722_tones_are_detected_after_halving_the_rate()
    {
        await using var leg = Open(MediaLegOptions.Server);
        Assert.That(leg.AnswerOffer(Offer(40000, "9")).Success, Is.True);
        Assert.That(leg.Audio!.EncodingName, Is.EqualTo("G722"));
        var digits = new List<char>();
        leg.DigitReceived += digits.Add;
        var (lo, hi) = Freq['3'];
        var wide = new short[16 * 400];
        for (int i = 0; i < 16 * 120; i++)
            wide[i + (16 * 100)] = (short)((6000 * Math.Sin(2 * Math.PI * lo * i / 16000)) + (6000 * Math.Sin(2 * Math.PI * hi * i / 16000)));
        Assert.That(CodecRegistry.Default.TryCreate("G722", 8000, out var encoder), Is.True);
        new Feeder(leg, payloadType: 9, encoder!).Audio(wide);
        Assert.That(new string([.. digits]), Is.EqualTo("3"));
    }

    private MediaLeg Open(MediaLegOptions options) => MediaLeg.Open(_engine, options, out var error) ?? throw new InvalidOperationException(error);

    private (MediaLeg Ours, MediaLeg Peer) Connect(MediaLegOptions ours, MediaLegOptions peer)
    {
        var a = Open(ours);
        var b = Open(peer);
        var answer = a.AnswerOffer(b.CreateOffer());
        Assert.That(answer.Success, Is.True, answer.Error);
        var accepted = b.AcceptAnswer(MediaLeg.Body(answer));
        Assert.That(accepted.Success, Is.True, accepted.Error);
        return (a, b);
    }

    private static ReadOnlyMemory<byte> Offer(int port, string payloadTypes, string extra = "") => Encoding.UTF8.GetBytes(
        $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP {payloadTypes}\r\n"
        + (payloadTypes.Contains("101", StringComparison.Ordinal) ? "a=rtpmap:101 telephone-event/8000\r\n" : "") + extra);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "ivr-scripts", "prompts")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("ivr-scripts/prompts above the test directory");
    }

    /// <summary>
    /// Plays a peer's RTP straight into a leg's receive path, 20 ms apart in arrival time, as one stream
    /// (one SSRC, one sequence and timestamp space) of audio frames and RFC 4733 events.
    /// </summary>
    private sealed class Feeder(MediaLeg leg, int payloadType, IAudioCodec codec)
    {
        private readonly int _frameSamples = codec.SampleRate / 50;
        private readonly byte[] _payload = new byte[640];
        private readonly List<byte[]> _prebuilt = [];
        private long _ticks = Stopwatch.GetTimestamp();
        private ushort _seq = 1000;
        private uint _ts = 160_000;

        /// <summary>Sends <paramref name="pcm"/> as audio frames; with <paramref name="prebuilt"/>, resends the packets the last call built (nothing allocated).</summary>
        public void Audio(short[] pcm, bool prebuilt = false)
        {
            if (prebuilt)
            {
                foreach (var packet in _prebuilt)
                    Deliver(packet);
                return;
            }
            _prebuilt.Clear();
            for (int i = 0; i + _frameSamples <= pcm.Length; i += _frameSamples)
                _prebuilt.Add(Deliver(AudioPacket(pcm.AsSpan(i, _frameSamples))));
        }

        /// <summary>A key press as RFC 4733 events (start, continuations, three ends) and, with <paramref name="tones"/>, its tones in the audio too.</summary>
        public void KeyPress(char key, int frames, int eventPayloadType, bool tones)
        {
            var sender = new DtmfEventSender();
            sender.Start(key, _ts, frames * 20);
            var audio = Key(key, frames * 20);
            var eventPayload = new byte[TelephoneEvent.Size];
            for (int f = 0; sender.TryNext(out var e); f++)
            {
                if (tones && f < frames)
                    Deliver(AudioPacket(audio.AsSpan(f * 160, 160)));
                e.Event.Write(eventPayload);
                Deliver(TestRtp.Packet(eventPayloadType, _seq++, e.Timestamp, 77, eventPayload, e.Marker));
            }
        }

        private byte[] AudioPacket(ReadOnlySpan<short> frame)
        {
            int n = codec.Encode(frame, _payload);
            var packet = TestRtp.Packet(payloadType, _seq++, _ts, 77, _payload.AsSpan(0, n));
            _ts += 160;
            return packet;
        }

        private byte[] Deliver(byte[] packet)
        {
            _ticks += TicksPerFrame;
            leg.OnRtpPacket(leg.Session, packet, _ticks);
            return packet;
        }
    }
}
