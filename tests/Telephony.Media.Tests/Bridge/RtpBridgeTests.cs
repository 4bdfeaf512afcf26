namespace Telephony.Media.Tests.Bridge;

/// <summary>
/// Each test runs with async receives and again with the legs on an <see cref="RtpReceiveLoop"/>
/// of two threads (so the two legs of a bridge are read by different threads).
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
[CancelAfter(20_000)]
public class RtpBridgeTests(bool loop) : ReceiveModeFixture(loop,
    new RtpPortPool(IPAddress.Loopback, 30500, 30599), new RtpPortPool(IPAddress.Loopback, 31500, 31599))
{
    private RtpSessionOptions Options => SessionOptions();

    private sealed class RecordingTap : IRtpTap
    {
        public List<(int Leg, byte[] Packet)> Seen { get; } = [];
        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
        {
            lock (Seen)
            {
                Seen.Add((leg, rtpPacket.ToArray()));
            }
        }
    }

    /// <summary>A toy 8-bit linear codec: one byte per sample, XORed with a key so two "codecs" differ.</summary>
    private sealed class ToyCodec(string name, int pt, byte key) : IAudioCodec
    {
        public string EncodingName => name;
        public int PayloadType => pt;
        public int RtpClockRate => 8000;
        public int SampleRate => 8000;
        public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
        {
            for (int i = 0; i < pcm.Length; i++)
            {
                payload[i] = (byte)((pcm[i] >> 8) ^ key);
            }

            return pcm.Length;
        }

        public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
        {
            for (int i = 0; i < payload.Length; i++)
            {
                pcm[i] = (short)((sbyte)(payload[i] ^ key) << 8);
            }

            return payload.Length;
        }
    }

    private sealed class Rig : IAsyncDisposable
    {
        public RawRtpPeer Caller { get; } = new();
        public RawRtpPeer Agent { get; } = new();
        public RtpSession Leg0 { get; }
        public RtpSession Leg1 { get; }

        public Rig(RtpBridgeTests fixture)
        {
            Leg0 = RtpSession.TryOpen(fixture.Pool, fixture.Options, out _)!;
            Leg1 = RtpSession.TryOpen(fixture.Pool, fixture.Options, out _)!;
            Leg0.SetRemote(Caller.EndPoint);
            Leg1.SetRemote(Agent.EndPoint);
            Leg0.Start();
            Leg1.Start();
        }

        public async ValueTask DisposeAsync()
        {
            await Leg0.DisposeAsync();
            await Leg1.DisposeAsync();
            Caller.Dispose();
            Agent.Dispose();
        }
    }

    private static BridgeLegFormat Pcmu(int te, bool send = true) => new()
    {
        EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = te, TelephoneEventPayloadTypes = [te], Send = send,
    };

    private static (ushort Seq, uint Ts, uint Ssrc, int Pt, bool Marker, byte[] Payload) Read(RawRtpPeer phone)
    {
        var data = phone.Receive();
        Assert.That(data, Is.Not.Null, "expected a relayed packet");
        Assert.That(RtpPacket.TryParse(data, out var p), Is.True);
        return (p.SequenceNumber, p.Timestamp, p.Ssrc, p.PayloadType, p.Marker, p.Payload.ToArray());
    }

    [Test]
    public async Task Relays_without_transcoding_and_keeps_each_outgoing_stream_continuous()
    {
        await using var rig = new Rig(this);
        var tap = new RecordingTap();
        using var bridge = new RtpBridge(rig.Leg0, Pcmu(101), rig.Leg1, Pcmu(96), tap);
        var to0 = rig.Leg0.LocalRtpEndPoint;

        // Five audio packets from the caller.
        for (int i = 0; i < 5; i++)
        {
            rig.Caller.Send(to0, 0, (ushort)(1000 + i), 5000u + (uint)(i * 160), 111, [(byte)i, 7, 7]);
        }

        var first = Read(rig.Agent);
        Assert.That(first.Ssrc, Is.EqualTo(rig.Leg1.LocalSsrc), "the agent sees our SSRC, not the caller's");
        Assert.That(first.Marker, Is.True, "a new stream starts with the marker");
        Assert.That(first.Payload, Is.EqualTo(new byte[] { 0, 7, 7 }), "payload untouched");
        var last = first;
        for (int i = 1; i < 5; i++)
        {
            var p = Read(rig.Agent);
            Assert.That(p.Seq, Is.EqualTo((ushort)(last.Seq + 1)));
            Assert.That(p.Ts, Is.EqualTo(last.Ts + 160));
            Assert.That(p.Ssrc, Is.EqualTo(rig.Leg1.LocalSsrc));
            Assert.That(p.Marker, Is.False);
            last = p;
        }

        // DTMF: the caller uses PT 101, the agent expects 96.
        rig.Caller.Send(to0, 101, 1005, 5800, 111, [1, 0x8A, 0, 160], marker: true);
        var dtmf = Read(rig.Agent);
        Assert.That(dtmf.Pt, Is.EqualTo(96));
        Assert.That(dtmf.Seq, Is.EqualTo((ushort)(last.Seq + 1)));
        Assert.That(dtmf.Ts, Is.EqualTo(last.Ts + 160));
        last = dtmf;

        // The caller's source changes (transfer, re-INVITE, a new SSRC and numbering).
        rig.Caller.Send(to0, 0, 7, 99, 222, [9]);
        var changed = Read(rig.Agent);
        Assert.That(changed.Ssrc, Is.EqualTo(rig.Leg1.LocalSsrc));
        Assert.That(changed.Seq, Is.EqualTo((ushort)(last.Seq + 1)));
        Assert.That(changed.Ts, Is.GreaterThan(last.Ts), "time moves on");
        Assert.That(changed.Marker, Is.True);
        rig.Caller.Send(to0, 0, 8, 259, 222, [9]);
        var next = Read(rig.Agent);
        Assert.That((next.Seq, next.Ts), Is.EqualTo(((ushort)(changed.Seq + 1), changed.Ts + 160)));

        // The other direction: agent's events go to the caller as PT 101.
        rig.Agent.Send(rig.Leg1.LocalRtpEndPoint, 96, 50, 0, 333, [5, 0x0A, 0, 160]);
        var back = Read(rig.Caller);
        Assert.That((back.Pt, back.Ssrc), Is.EqualTo((101, rig.Leg0.LocalSsrc)));

        Assert.That(await RawRtpPeer.WaitUntil(() => tap.Seen.Count == 9), Is.True);
        lock (tap.Seen)
        {
            Assert.That(tap.Seen.Count(s => s.Leg == 0), Is.EqualTo(8));
            RtpPacket.TryParse(tap.Seen[0].Packet, out var original);
            Assert.That(original.Ssrc, Is.EqualTo(111u), "the tap sees the packet as received");
        }

        // Counters move just after the send: wait for them rather than race them.
        Assert.That(await RawRtpPeer.WaitUntil(() => bridge.Relayed(0) == 8 && bridge.Relayed(1) == 1), Is.True);
        if (OnLoop)
        {
            Assert.That(Loop.Datagrams, Is.GreaterThanOrEqualTo(9), "the loop did the receiving");
        }
    }

    [Test]
    public async Task Hold_stops_relay_and_resume_continues_the_numbering()
    {
        await using var rig = new Rig(this);
        using var bridge = new RtpBridge(rig.Leg0, Pcmu(101), rig.Leg1, Pcmu(101));
        var to0 = rig.Leg0.LocalRtpEndPoint;
        rig.Caller.Send(to0, 0, 10, 1600, 5, [1]);
        var before = Read(rig.Agent);

        bridge.UpdateLeg(1, Pcmu(101, send: false)); // the agent put the call on hold (a=sendonly from it)
        for (int i = 11; i < 14; i++)
        {
            rig.Caller.Send(to0, 0, (ushort)i, (uint)(i * 160), 5, [1]);
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => bridge.Dropped(0) == 3), Is.True);
        Assert.That(rig.Agent.Receive(100), Is.Null);

        bridge.UpdateLeg(1, Pcmu(101));
        rig.Caller.Send(to0, 0, 14, 14 * 160, 5, [1]);
        var after = Read(rig.Agent);
        Assert.That(after.Seq, Is.EqualTo((ushort)(before.Seq + 1)), "no sequence gap for the held packets");
        Assert.That(after.Ts, Is.GreaterThan(before.Ts));
        Assert.That(after.Ssrc, Is.EqualTo(before.Ssrc));
    }

    [Test]
    public async Task A_re_invite_to_a_new_phone_continues_the_outgoing_stream()
    {
        await using var rig = new Rig(this);
        using var bridge = new RtpBridge(rig.Leg0, Pcmu(101), rig.Leg1, Pcmu(101));
        var to0 = rig.Leg0.LocalRtpEndPoint;
        rig.Caller.Send(to0, 0, 100, 16000, 5, [1]);
        rig.Caller.Send(to0, 0, 101, 16160, 5, [1]);
        Read(rig.Agent);
        var before = Read(rig.Agent);

        // The agent's side moves (transfer to another softphone): new address and new PTs.
        using var newAgent = new RawRtpPeer();
        rig.Leg1.SetRemote(newAgent.EndPoint);
        bridge.UpdateLeg(1, new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 100, TelephoneEventPayloadTypes = [100] });
        rig.Caller.Send(to0, 0, 102, 16320, 5, [1]);
        rig.Caller.Send(to0, 101, 103, 16480, 5, [1, 0x80, 0, 160]);
        var after = Read(newAgent);
        Assert.That((after.Ssrc, after.Seq), Is.EqualTo((before.Ssrc, (ushort)(before.Seq + 1))));
        Assert.That(after.Ts, Is.GreaterThan(before.Ts));
        var dtmf = Read(newAgent);
        Assert.That((dtmf.Pt, dtmf.Seq, dtmf.Ts), Is.EqualTo((100, (ushort)(after.Seq + 1), after.Ts + 160)));
        Assert.That(rig.Agent.Receive(50), Is.Null, "nothing goes to the old address");
    }

    [Test]
    public async Task Unknown_payload_types_and_events_the_far_side_cannot_take_are_dropped()
    {
        await using var rig = new Rig(this);
        var noEvents = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0 };
        using var bridge = new RtpBridge(rig.Leg0, Pcmu(101), rig.Leg1, noEvents);
        var to0 = rig.Leg0.LocalRtpEndPoint;
        rig.Caller.Send(to0, 13, 1, 0, 5, [0]);   // comfort noise: not agreed
        rig.Caller.Send(to0, 101, 2, 0, 5, [1, 0x80, 0, 160]); // an event the agent did not negotiate
        Assert.That(await RawRtpPeer.WaitUntil(() => bridge.Dropped(0) == 2), Is.True);
        rig.Caller.Send(to0, 0, 3, 320, 5, [1]);
        Assert.That(Read(rig.Agent).Pt, Is.EqualTo(0));
    }

    [Test]
    public async Task Transcodes_when_the_legs_use_different_codecs()
    {
        await using var rig = new Rig(this);
        var a = new ToyCodec("TOYA", 0, 0x00);
        var b = new ToyCodec("TOYB", 8, 0x55);
        using var bridge = new RtpBridge(
            rig.Leg0, new BridgeLegFormat { EncodingName = a.EncodingName, AudioPayloadType = 0, CodecFactory = () => a },
            rig.Leg1, new BridgeLegFormat { EncodingName = b.EncodingName, AudioPayloadType = 8, CodecFactory = () => b });
        rig.Caller.Send(rig.Leg0.LocalRtpEndPoint, 0, 1, 160, 5, [1, 2, 3, 0x80]);
        var p = Read(rig.Agent);
        Assert.That(p.Pt, Is.EqualTo(8));
        Assert.That(p.Payload, Is.EqualTo(new byte[] { 1 ^ 0x55, 2 ^ 0x55, 3 ^ 0x55, 0x80 ^ 0x55 }));
        Assert.That(p.Ssrc, Is.EqualTo(rig.Leg1.LocalSsrc));
        Assert.That(await RawRtpPeer.WaitUntil(() => bridge.Transcoded(0) == 1), Is.True);

        Assert.Throws<ArgumentException>(() => _ = new RtpBridge(rig.Leg0, Pcmu(101),
            rig.Leg1, new BridgeLegFormat { EncodingName = "PCMA", AudioPayloadType = 8 }));
    }

    [Test]
    public async Task Transcodes_pcmu_to_pcma_with_the_real_g711_codecs()
    {
        await using var rig = new Rig(this);
        using var bridge = new RtpBridge(
            rig.Leg0, new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, CodecFactory = () => PcmuCodec.Instance },
            rig.Leg1, new BridgeLegFormat { EncodingName = "PCMA", AudioPayloadType = 8, CodecFactory = () => PcmaCodec.Instance });
        short[] tone = Enumerable.Range(0, 160).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 1000 * i / 8000))).ToArray();
        var ulaw = new byte[160];
        PcmuCodec.Instance.Encode(tone, ulaw);
        rig.Caller.Send(rig.Leg0.LocalRtpEndPoint, 0, 1, 160, 5, ulaw);
        var p = Read(rig.Agent);
        Assert.That((p.Pt, p.Payload.Length), Is.EqualTo((8, 160)));
        var decoded = new short[160];
        PcmaCodec.Instance.Decode(p.Payload, decoded);
        for (int i = 0; i < 160; i++)
        {
            Assert.That((int)decoded[i], Is.EqualTo((int)tone[i]).Within((Math.Abs((int)tone[i]) / 8) + 64), $"sample {i}");
        }
    }

    [Test]
    public async Task The_relay_path_allocates_nothing_per_packet()
    {
        // Not started: the test drives leg 0's packet path itself. In loop mode the relay's send is LinuxUdp.TrySendTo.
        await using var leg0 = RtpSession.TryOpen(Pool, Options, out _)!;
        await using var leg1 = RtpSession.TryOpen(Pool, Options, out _)!;
        using var sink = new RawRtpPeer();
        var caller = new IPEndPoint(IPAddress.Loopback, 9);
        leg0.SetRemote(caller);
        leg1.SetRemote(sink.EndPoint);
        using var bridge = new RtpBridge(leg0, Pcmu(101), leg1, Pcmu(96), new RecordingTapThatCopiesNothing());
        var from = caller.Serialize();
        var packet = new byte[12 + 160];

        void Relay(int count, ushort start)
        {
            for (int i = 0; i < count; i++)
            {
                ushort seq = (ushort)(start + i);
                RtpWriter.Write(packet, new RtpHeader { PayloadType = i % 10 == 0 ? 101 : 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = 7 }, []);
                leg0.ProcessRtp(packet, from, System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }

        void Drain()
        {
            while (sink.Receive(0) is not null)
            {
                // keep the sink's socket buffer from filling
            }
        }

        for (int round = 0; round < 4; round++)
        {
            Relay(50, (ushort)(round * 50)); // warm up: JIT, first-packet paths, statistics probation
            Drain();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        Relay(100, 200);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Drain();
        Assert.That(after - before, Is.EqualTo(0), "bytes allocated relaying 100 packets (validate, stats, latch check, rewrite, tap, sendto)");
        Assert.That(bridge.Relayed(0), Is.EqualTo(300));
    }

    private sealed class RecordingTapThatCopiesNothing : IRtpTap
    {
        public long Count;
        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket) => Count += rtpPacket.Length > 0 ? 1 : 0;
    }

    [Test]
    public async Task Transcodes_g722_to_pcmu_and_back_with_a_codec_instance_per_direction()
    {
        await using var rig = new Rig(this);
        static NegotiatedAudio Negotiated(string name, int pt) => new()
        {
            MediaIndex = 0, EncodingName = name, PayloadType = pt, ClockRate = 8000,
            LocalDirection = MediaDirection.SendRecv, RemoteDirection = MediaDirection.SendRecv,
            RemoteRtp = new IPEndPoint(IPAddress.Loopback, 9),
        };
        using var bridge = new RtpBridge(rig.Leg0, BridgeLegFormat.From(Negotiated("G722", 9)), rig.Leg1, BridgeLegFormat.From(Negotiated("PCMU", 0)));

        // The caller's wideband phone: 1 kHz tone at 16 kHz, encoded with its own G.722 encoder.
        var phoneEncoder = new G722AudioCodec();
        var agentDecoder = new short[160];
        double inEnergy = 0, outEnergy = 0;
        for (int frame = 0; frame < 10; frame++)
        {
            var pcm16 = Enumerable.Range(frame * 320, 320).Select(i => (short)(6000 * Math.Sin(2 * Math.PI * 1000 * i / 16000))).ToArray();
            var g722 = new byte[160];
            phoneEncoder.Encode(pcm16, g722);
            rig.Caller.Send(rig.Leg0.LocalRtpEndPoint, 9, (ushort)frame, (uint)(frame * 160), 5, g722);
            var p = Read(rig.Agent);
            Assert.That((p.Pt, p.Payload.Length), Is.EqualTo((0, 160)));
            PcmuCodec.Instance.Decode(p.Payload, agentDecoder);
            if (frame >= 5) // after the codecs' and filters' start-up
            {
                inEnergy += pcm16.Sum(x => (double)x * x) / 2;
                outEnergy += agentDecoder.Sum(x => (double)x * x);
            }
        }

        Assert.That(outEnergy / inEnergy, Is.InRange(0.5, 1.5), "the tone comes through at about the same level");

        // The other direction at the same time uses its own instances.
        rig.Agent.Send(rig.Leg1.LocalRtpEndPoint, 0, 1, 160, 6, new byte[160]);
        var back = Read(rig.Caller);
        Assert.That((back.Pt, back.Payload.Length), Is.EqualTo((9, 160)));
    }
}
