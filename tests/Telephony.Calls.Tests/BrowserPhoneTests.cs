using Telephony.ContactCenter.Seats;

namespace Telephony.Calls.Tests;

/// <summary>
/// An agent whose phone is the browser (WebRTC): the seat rings in the page, the answer connects the call once
/// ICE and DTLS-SRTP are done; a browser that cannot be trusted (tampered fingerprint, wrong STUN password,
/// an answer without ICE credentials) does not get the call: the seat goes Not ready with the reason and the
/// call goes to the next agent.
/// </summary>
[CancelAfter(60_000)]
public sealed class BrowserPhoneTests
{
    [Test]
    public async Task The_browser_agent_answers_and_the_call_is_bridged()
    {
        using var browser = new ScriptedBrowser();
        await using var f = await CallsFixture.StartAsync(ringTimeoutSeconds: 10, browserPhones: browser);
        browser.Calls = f.Calls;
        await BrowserAgentReadyAsync(f, "1049");
        var citizen = await f.CitizenAsync(500, "15500000011");
        var call = await f.DialEnglishAsync(citizen);

        Assert.That(await f.WaitPhaseAsync(call.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected), () => string.Join("\n", browser.Outcomes));
        Assert.That((await f.WaitSeatAsync("1049", SeatState.OnCall))!.State, Is.EqualTo(SeatState.OnCall));
        Assert.That(browser.Outcomes, Is.EqualTo(new string?[] { null }), "the browser's handshake succeeded");
    }

    [TestCase(BrowserFault.TamperedFingerprint, "FingerprintMismatch")]
    [TestCase(BrowserFault.WrongStunPassword, "IceRefused")]
    [TestCase(BrowserFault.NoIceCredentials, "no ICE credentials")]
    public async Task An_untrusted_browser_does_not_get_the_call(BrowserFault fault, string reason)
    {
        using var browser = new ScriptedBrowser { Fault = fault };
        await using var f = await CallsFixture.StartAsync(ringTimeoutSeconds: 15, browserPhones: browser);
        browser.Calls = f.Calls;
        await BrowserAgentReadyAsync(f, "1049");
        var sipAgent = await f.PhoneAsync("sip:1050@test.local", 1000);
        await f.RegisterAsync("1050", sipAgent);
        Assert.That((await f.Acd.LoginAsync("1050", "1050")).Succeeded, Is.True);
        sipAgent.AutoAnswer();

        var citizen = await f.CitizenAsync(500, "15500000012");
        var call = await f.DialEnglishAsync(citizen);

        var seat = await f.WaitSeatAsync("1049", SeatState.NotReady, seconds: 10);
        Assert.That(seat!.State, Is.EqualTo(SeatState.NotReady));
        Assert.That(seat.Reason, Does.Contain(reason));
        Assert.That(f.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Queued), "the call waits for the next agent");
        Assert.That(browser.Ended, Is.EqualTo(1), "the page was told its leg is over");

        // The next agent takes it.
        Assert.That((await f.Acd.SetReadyAsync("1050", "1050")).Succeeded, Is.True);
        Assert.That(await f.WaitPhaseAsync(call.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected));
        Assert.That((await f.Seats.GetSeatAsync("1050"))!.CallId, Is.EqualTo(call.CallId));
    }

    private static async Task BrowserAgentReadyAsync(CallsFixture f, string seat)
    {
        f.Calls.BrowserPhones!.Register(seat);
        Assert.That((await f.Acd.LoginAsync(seat, seat)).Succeeded, Is.True, "login");
        Assert.That((await f.Acd.SetReadyAsync(seat, seat)).Succeeded, Is.True, "ready");
    }
}
