using System.Net;
using System.Net.Sockets;
using Telephony.Media.Rtp;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// SRTP with a real peer (issue 10, finding 1): baresip with mediaenc=srtp-mand (RTP/SAVP, SDES keys,
/// RFC 4568, its srtp module on libsrtp) dials 12345; our answer is RTP/SAVP with a key of ours, baresip
/// hears the IVR's greeting through SRTP, every packet our caller leg counts was authenticated, and plain
/// RTP sent to the leg's port by anyone else is dropped and counted.
/// Ports (Interop ranges): baresip SIP 25950 (+1 TLS), cons 25953, RTP 26950-26959; our RTP 27000-27399.
/// </summary>
[NonParallelizable]
public sealed class BaresipSrtpTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Baresip_with_mandatory_SRTP_dials_12345_and_hears_the_greeting_over_SRTP(CancellationToken ct)
    {
        await using var server = new SoftphoneServer();
        using var baresip = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", 500, sipPort: 25950, consPort: 25953, rtpBase: 26950,
            quitAfterSeconds: 40, user: "15500000003", mediaEncryption: "srtp-mand");
        Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
        var call = server.Calls.LiveCalls().Single();

        // The greeting is about 2.3 s; meanwhile baresip's tone comes in as SRTP.
        await Task.Delay(TimeSpan.FromSeconds(4.5), ct);
        var media = server.Calls.CallerMedia(call.CallId)!;
        var before = media.Statistics;
        Assert.That(before.Secure, Is.True, "the caller leg runs SRTP");
        Assert.That(before.PacketsReceived, Is.GreaterThan(100), "baresip's SRTP authenticated and counted");
        // libre sends one plain RTCP APP "PINGPONG" to open its RTCP path before its SRTCP starts: refused, as it should be.
        Assert.That(before.UnauthenticatedPackets, Is.LessThanOrEqualTo(1), baresip.Output);

        // Somebody else's plain RTP to the leg's port: dropped and counted, the peer still heard.
        using (var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var packet = new byte[12 + 160];
            for (ushort i = 0; i < 20; i++)
            {
                RtpWriter.Write(packet, new RtpHeader { PayloadType = 8, SequenceNumber = i, Timestamp = i * 160u, Ssrc = 0xBAD }, packet.AsSpan(12));
                stranger.SendTo(packet, media.LocalRtp);
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(5);
        RtpStreamStatistics after;
        // Until the stranger's packets are counted and baresip's next packet (20 ms apart, later on a busy machine) has arrived.
        while (((after = server.Calls.CallerMedia(call.CallId)!.Statistics).UnauthenticatedPackets < before.UnauthenticatedPackets + 20
                || after.PacketsReceived <= before.PacketsReceived) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        Assert.That(after.UnauthenticatedPackets - before.UnauthenticatedPackets, Is.EqualTo(20), "the stranger's plain RTP is refused");
        Assert.That((after.Latched, after.RemoteSsrc), Is.EqualTo((false, before.RemoteSsrc)), "nothing of it reached the call");
        Assert.That(after.PacketsReceived, Is.GreaterThan(before.PacketsReceived), "baresip is still heard");

        await baresip.CommandAsync("/hangup");
        Assert.That(await baresip.WaitForAsync("terminated", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
        await Task.Delay(300, ct); // sndfile closes its files as the call's audio stream goes away

        // baresip decrypted and heard our greeting.
        GreetingHeard.AssertIn(baresip);
    }
}
