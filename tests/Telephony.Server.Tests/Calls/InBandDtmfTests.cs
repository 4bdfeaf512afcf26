using Telephony.Calls;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Legs;
using Telephony.Media.Sdp;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// The in-band DTMF detector is wired into every media leg: a phone that sends the key as tones in
/// its audio (no RFC 4733 telephone-event offered) still reaches the English queue with "9".
/// </summary>
[CancelAfter(60_000)]
public sealed class InBandDtmfTests
{
    [Test]
    public async Task A_caller_whose_phone_sends_tones_instead_of_events_reaches_the_English_queue()
    {
        await using var server = new CallServerFixture(useRedis: false);
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 16760, PortMax = 16799 });
        engine.Start();
        var options = MediaLegOptions.Softphone with { Negotiator = new SdpNegotiatorOptions { Codecs = ["PCMU"], TelephoneEvent = false } };
        await using var leg = MediaLeg.Open(engine, options, out var error) ?? throw new InvalidOperationException(error);
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:+8613700000009@127.0.0.1" });

        var call = await ua.CallAsync(server.Uri("12345"), leg.CreateOffer());
        var established = await call.NextAsync<CallEstablished>();
        Assert.That(leg.AcceptAnswer(established.RemoteSdp).Success, Is.True);
        Assert.That(leg.Audio!.TelephoneEventPayloadType, Is.Null, "no telephone-event agreed");
        await Task.Delay(500);
        _ = leg.Play(new PromptPlayer(new Prompt("key 9", NineAsTones())));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        LiveCall? live = null;
        while (DateTime.UtcNow < deadline && (live = server.Calls.LiveCalls().SingleOrDefault(c => c.CallId == call.CallId))?.Phase != nameof(CallPhase.Queued))
        {
            await Task.Delay(100);
        }
        Assert.That((live?.Phase, live?.Queue), Is.EqualTo((nameof(CallPhase.Queued), "english")), "the tones for 9 chose English");
        await call.HangupAsync();
    }

    // ITU-T Q.23: key 9 is 852 Hz + 1477 Hz; 150 ms of it between short silences.
    private static short[] NineAsTones()
    {
        var pcm = new short[8 * (100 + 150 + 300)];
        for (int i = 0; i < 8 * 150; i++)
        {
            pcm[(8 * 100) + i] = (short)((6000 * Math.Sin(2 * Math.PI * 852 * i / 8000)) + (6000 * Math.Sin(2 * Math.PI * 1477 * i / 8000)));
        }
        return pcm;
    }
}
