using System.Net;
using Microsoft.Extensions.Time.Testing;
using Telephony.Media.Bridge;
using Telephony.Media.Clock;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Tests.Rtp;

[CancelAfter(20_000)]
public class RtpEngineTests
{
    [Test]
    public async Task Two_calls_legs_negotiate_and_bridge_end_to_end()
    {
        var clock = new MediaClock(new FakeTimeProvider());
        var engine = new RtpEngine(new RtpEngineOptions { Address = IPAddress.Loopback, PortMin = 30700, PortMax = 30799 }, clock);
        using var callerPhone = new TestPhone();
        using var agentPhone = new TestPhone();

        // Inbound leg: the caller's INVITE carries an offer; we answer.
        var caller = engine.TryOpenSession(out string? error)!;
        Assert.That(caller, Is.Not.Null, error);
        var callerSdp = engine.CreateNegotiator(caller);
        var answer = callerSdp.Answer(
            $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {callerPhone.EndPoint.Port} RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n");
        Assert.That(answer.Success, Is.True, answer.Error);
        Assert.That(answer.Answer!.MediaDescriptions[0].Port, Is.EqualTo(caller.LocalRtpEndPoint.Port));
        caller.SetRemote(answer.Audio!.RemoteRtp, answer.Audio.RemoteRtcp);

        // Outbound leg to the agent: we offer, the softphone answers.
        var agent = engine.TryOpenSession(out error)!;
        var agentSdp = engine.CreateNegotiator(agent);
        agentSdp.CreateOffer();
        var accepted = agentSdp.AcceptAnswer(
            $"v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {agentPhone.EndPoint.Port} RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n");
        Assert.That(accepted.Success, Is.True, accepted.Error);
        agent.SetRemote(accepted.Audio!.RemoteRtp, accepted.Audio.RemoteRtcp);

        using var bridge = new RtpBridge(caller, BridgeLegFormat.From(answer.Audio), agent, BridgeLegFormat.From(accepted.Audio));
        callerPhone.Send(caller.LocalRtpEndPoint, 96, 1, 0, 77, [1, 0x8A, 0, 160]);
        var relayed = agentPhone.Receive();
        Assert.That(RtpPacket.TryParse(relayed, out var p), Is.True);
        Assert.That((p.PayloadType, p.Ssrc), Is.EqualTo((101, agent.LocalSsrc)));

        Assert.That(engine.Ports.InUse, Is.EqualTo(2));
        await engine.CloseSessionAsync(caller);
        await engine.CloseSessionAsync(agent);
        Assert.That(engine.Ports.InUse, Is.EqualTo(0));
    }
}
