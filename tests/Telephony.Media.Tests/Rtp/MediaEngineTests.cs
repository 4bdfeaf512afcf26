namespace Telephony.Media.Tests.Rtp;

[CancelAfter(20_000)]
public class MediaEngineTests
{
    [TestCase(nameof(MediaEngineOptions.PortMin), 80, 100, 0, 0)]
    [TestCase(nameof(MediaEngineOptions.PortMin), 30000, 30000, 0, 0)]
    [TestCase(nameof(MediaEngineOptions.ReceiveThreads), 30000, 30099, -2, 0)]
    [TestCase(nameof(MediaEngineOptions.ReceiveThreads), 30000, 30099, 65, 0)]
    [TestCase(nameof(MediaEngineOptions.RealtimePriority), 30000, 30099, 0, 100)]
    public void Bad_options_throw_naming_the_setting(string setting, int min, int max, int threads, int priority)
    {
        var options = new MediaEngineOptions { PortMin = min, PortMax = max, ReceiveThreads = threads, RealtimePriority = priority };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate())!;
        Assert.That(error.Message, Does.Contain($"MediaEngineOptions.{setting}"));
        Assert.That(() => new MediaEngine(options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task Sdp_advertises_the_media_address_or_the_bind_address_but_never_a_wildcard()
    {
        await using var bound = new MediaEngine(new MediaEngineOptions { PortMin = 30700, PortMax = 30709 });
        await using var wildcard = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Any, PortMin = 30710, PortMax = 30719 });
        await using var natted = new MediaEngine(new MediaEngineOptions { MediaAddress = IPAddress.Parse("192.0.2.7"), PortMin = 30720, PortMax = 30729 });
        Assert.That((bound.SdpAddress, wildcard.SdpAddress, natted.SdpAddress),
            Is.EqualTo((IPAddress.Loopback, IPAddress.Loopback, IPAddress.Parse("192.0.2.7"))));
        Assert.That(bound.ReceiveLoop, Is.Null, "0 receive threads: async socket receives");
        await bound.DisposeAsync(); // idempotent: the using disposes again
    }

    [Test]
    public async Task Two_call_legs_negotiate_and_bridge_end_to_end()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 30700, PortMax = 30799 });
        using var callerPhone = new RawRtpPeer();
        using var agentPhone = new RawRtpPeer();

        // Inbound leg: the caller's INVITE carries an offer; we answer.
        await using var caller = MediaLeg.Open(engine, null, out string? error)!;
        Assert.That(caller, Is.Not.Null, error);
        var answer = caller.AnswerOffer(Sdp(
            $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {callerPhone.EndPoint.Port} RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n"));
        Assert.That(answer.Success, Is.True, answer.Error);
        Assert.That(answer.Answer!.MediaDescriptions[0].Port, Is.EqualTo(caller.LocalRtpEndPoint.Port));

        // Outbound leg to the agent: we offer, the softphone answers.
        await using var agent = MediaLeg.Open(engine, null, out error)!;
        agent.CreateOffer();
        var accepted = agent.AcceptAnswer(Sdp(
            $"v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {agentPhone.EndPoint.Port} RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"));
        Assert.That(accepted.Success, Is.True, accepted.Error);

        using var bridge = new RtpBridge(caller.Session, BridgeLegFormat.From(answer.Audio!), agent.Session, BridgeLegFormat.From(accepted.Audio!));
        callerPhone.Send(caller.LocalRtpEndPoint, 96, 1, 0, 77, [1, 0x8A, 0, 160]);
        var relayed = agentPhone.Receive();
        Assert.That(RtpPacket.TryParse(relayed, out var p), Is.True);
        Assert.That((p.PayloadType, p.Ssrc), Is.EqualTo((101, agent.Session.LocalSsrc)));

        Assert.That(engine.Ports.InUse, Is.EqualTo(2));
        await caller.DisposeAsync();
        await agent.DisposeAsync();
        Assert.That(engine.Ports.InUse, Is.EqualTo(0));
    }

    private static ReadOnlyMemory<byte> Sdp(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
