using Telephony.Calls.Commands;
using static Telephony.Testing.Audio.ThreePartyTones;

namespace Telephony.Calls.Tests;

/// <summary>
/// A supervisor listening from the browser (<see cref="SuperviseInBrowser"/>): the offer goes to the one page that
/// asked, only that page's answer or end acts on the leg, the mix starts once the page's ICE and DTLS are done, and a
/// page whose media cannot be secured leaves the call as it was (relayed, nobody supervising). The page is scripted
/// (<see cref="ScriptedBrowser"/>: STUN check and DTLS handshake as a browser does); the real browser's audio is
/// checked in the web tests (WallListeningTests).
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class BrowserSupervisionTests
{
    private const string Page = "connection-of-the-wall";

    [Test]
    public async Task The_page_that_asked_joins_once_secured_and_only_it_can_end_its_leg()
    {
        using var page = new ScriptedBrowser { AnswerWith = (offer, sdp) => new AnswerSupervisorBrowser(offer.Page, sdp) };
        await using var server = await CallsFixture.StartAsync(supervisorBrowsers: page);
        page.Calls = server.Calls;
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var (citizen, call, _) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861611");

        // Another page cannot answer for it, before or after.
        Assert.That((await server.Calls.AskAsync(call.CallId, new AnswerSupervisorBrowser("another-page", "v=0"))).Status, Is.EqualTo(CommandStatus.NotYourCall));
        var asked = await server.Calls.AskAsync(call.CallId, new SuperviseInBrowser("supervisor", Page, SupervisionMode.Monitor));
        Assert.That(asked.Status, Is.EqualTo(CommandStatus.Started), asked.Detail);
        Assert.That(page.Offers.Select(o => (o.Page, o.CallId)), Is.EqualTo(new[] { (Page, call.CallId) }), "the offer went to the page that asked");
        Assert.That(page.Offers[0].Sdp, Does.Contain("UDP/TLS/RTP/SAVPF").And.Contain("a=ice-lite"), "a WebRTC offer");

        await WaitAsync(() => page.Outcomes.Count == 1, "the page's handshake");
        Assert.That(page.Outcomes, Is.EqualTo(new string?[] { null }), "the page's ICE and DTLS succeeded");
        await WaitAsync(() => server.Calls.LiveCalls().Single().Supervision == "monitor", "the call is supervised");
        Assert.That(server.Calls.LiveCalls().Single().SupervisorSeat, Is.EqualTo("supervisor (browser)"));
        Assert.That((await server.Calls.AskAsync(call.CallId, new SuperviseInBrowser("other", "page-2", SupervisionMode.Barge))).Status,
            Is.EqualTo(CommandStatus.Conflict), "one supervisor at a time");
        await Tones.ExpectAsync(citizen, "the citizen (monitored from a browser)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (monitored from a browser)", CallerHz);

        // Mode changes are the seat phone's command.
        Assert.That((await server.Calls.AskAsync(call.CallId, new ChangeSupervision(SupervisionMode.Whisper))).Status, Is.EqualTo(CommandStatus.Done));
        Assert.That(server.Calls.LiveCalls().Single().Supervision, Is.EqualTo("whisper"));

        // Only the page's own end ends it (its hub connection closed); the page is told its leg is over.
        Assert.That((await server.Calls.AskAsync(call.CallId, new EndSupervisorBrowser("another-page"))).Status, Is.EqualTo(CommandStatus.NothingToUndo));
        Assert.That((await server.Calls.AskAsync(call.CallId, new EndSupervisorBrowser(Page))).Status, Is.EqualTo(CommandStatus.Done));
        Assert.That(server.Calls.LiveCalls().Single().Supervision, Is.Null);
        Assert.That(page.Ended, Is.EqualTo(1), "the page was told");
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (the supervisor's page left)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (the supervisor's page left)", CallerHz);
        await call.HangupAsync();
    }

    [Test]
    public async Task A_page_whose_media_cannot_be_secured_leaves_the_call_relayed()
    {
        using var page = new ScriptedBrowser { Fault = BrowserFault.WrongStunPassword, AnswerWith = (offer, sdp) => new AnswerSupervisorBrowser(offer.Page, sdp) };
        await using var server = await CallsFixture.StartAsync(supervisorBrowsers: page);
        page.Calls = server.Calls;
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var (citizen, call, _) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861612");

        Assert.That((await server.Calls.AskAsync(call.CallId, new SuperviseInBrowser("supervisor", Page, SupervisionMode.Barge))).Status, Is.EqualTo(CommandStatus.Started));
        await WaitAsync(() => page.Ended == 1, "the page is told its leg is over (no ICE)", seconds: 10);
        Assert.That(server.Calls.LiveCalls().Single().Supervision, Is.Null, "nobody supervises");
        await Tones.ExpectAsync(citizen, "the citizen (the supervisor's browser failed)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (the supervisor's browser failed)", CallerHz);
        Assert.That((await server.Calls.AskAsync(call.CallId, new SuperviseInBrowser("supervisor", Page, SupervisionMode.Monitor))).Status,
            Is.EqualTo(CommandStatus.Started), "the supervisor may try again");
        await call.HangupAsync();
    }

    private static async Task WaitAsync(Func<bool> condition, string what, int seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
