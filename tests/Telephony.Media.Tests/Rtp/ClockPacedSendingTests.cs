namespace Telephony.Media.Tests.Rtp;

[CancelAfter(20_000)]
public class ClockPacedSendingTests
{
    private static readonly RtpPortPool Pool = new(IPAddress.Loopback, 30600, 30699);

    private sealed class Ramp(int frames) : IAudioSource
    {
        private int _left = frames;
        public int SampleRate => 8000;
        public bool ReadFrame(Span<short> frame)
        {
            if (_left-- <= 0)
            {
                frame.Clear();
                return false;
            }

            frame.Fill((short)(_left << 8));
            return true;
        }
    }

    private sealed class HighByteCodec : IAudioCodec
    {
        public string EncodingName => "TOY";
        public int PayloadType => 0;
        public int RtpClockRate => 8000;
        public int SampleRate => 8000;
        public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
        {
            for (int i = 0; i < pcm.Length; i++)
            {
                payload[i] = (byte)(pcm[i] >> 8);
            }

            return pcm.Length;
        }

        public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm) => throw new NotSupportedException();
    }

    [Test]
    public async Task A_player_sends_one_frame_per_tick_and_stops_when_the_source_ends()
    {
        await using var session = RtpSession.TryOpen(Pool, new RtpSessionOptions(), out _)!;
        using var phone = new RawRtpPeer();
        session.SetRemote(phone.EndPoint);
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        var sender = new RtpAudioSender(session, new HighByteCodec(), 0) { Source = new Ramp(3) };
        bool finished = false;
        sender.Finished += _ => finished = true;
        clock.Add(sender);
        clock.StartAt();

        time.Advance(TimeSpan.FromMilliseconds(20 * 4));
        Assert.That(clock.Pump(), Is.EqualTo(4));
        Assert.That(sender.FramesSent, Is.EqualTo(3));
        Assert.That(finished, Is.True);

        var packets = Enumerable.Range(0, 3).Select(_ => phone.Receive()).ToList();
        Assert.That(packets, Has.None.Null);
        var parsed = packets.Select(p => { RtpPacket.TryParse(p, out var r); return (r.SequenceNumber, r.Timestamp, r.Marker, r.PayloadLength, First: r.Payload[0], r.Ssrc); }).ToList();
        Assert.That(parsed[0].Marker, Is.True);
        Assert.That(parsed[1].SequenceNumber, Is.EqualTo((ushort)(parsed[0].SequenceNumber + 1)));
        Assert.That(parsed[2].Timestamp, Is.EqualTo(parsed[1].Timestamp + 160));
        Assert.That(parsed.Select(p => p.First), Is.EqualTo(new byte[] { 2, 1, 0 }));
        Assert.That(parsed.All(p => p.PayloadLength == 160 && p.Ssrc == session.LocalSsrc), Is.True);

        // A second prompt continues the same outgoing stream.
        sender.Source = new Ramp(1);
        time.Advance(TimeSpan.FromMilliseconds(20));
        clock.Pump();
        Assert.That(RtpPacket.TryParse(phone.Receive(), out var next), Is.True);
        Assert.That(next.SequenceNumber, Is.EqualTo((ushort)(parsed[2].SequenceNumber + 1)));
        Assert.That(next.Timestamp, Is.GreaterThan(parsed[2].Timestamp));
    }

    [Test]
    public async Task The_rtcp_reporter_sends_reports_from_clock_ticks()
    {
        await using var session = RtpSession.TryOpen(Pool, new RtpSessionOptions(), out _)!;
        using var rtp = new RawRtpPeer();
        using var rtcp = new RawRtpPeer();
        session.SetRemote(rtp.EndPoint, rtcp.EndPoint);
        var reporter = new RtcpReporter { IntervalTicks = 10 };
        reporter.Add(session);
        for (long tick = 1; tick <= 16; tick++)
        {
            reporter.OnTick(tick); // the first report is due within 1.5 intervals
        }

        var report = rtcp.Receive();
        Assert.That(report, Is.Not.Null);
        Assert.That(RtcpWriter.TryReadCompound(report, 0, out var info), Is.True);
        Assert.That(info.SenderSsrc, Is.EqualTo(session.LocalSsrc));
        Assert.That(info.HasSenderInfo, Is.False, "nothing sent yet: a receiver report");

        while (rtcp.Receive(50) is not null)
        {
            // a second report may have fallen due within the 16 ticks
        }

        reporter.Remove(session);
        for (long tick = 17; tick <= 60; tick++)
        {
            reporter.OnTick(tick);
        }

        Assert.That(rtcp.Receive(100), Is.Null);
    }
}
