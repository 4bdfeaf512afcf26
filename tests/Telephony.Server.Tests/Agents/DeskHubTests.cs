using Telephony.Cases;
using Telephony.Server.Agents.Desk;
using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.Agents;

/// <summary>
/// The browser desktop's hub methods on a real call: the citizen's history and the case form are for the
/// agent whose seat holds the call only; hold, mute and hang-up go through the one command path; a case
/// saved during the call is linked to the call record and its recording.
/// </summary>
[NonParallelizable]
public sealed class DeskHubTests
{
    private const string Citizen = "13800138001";

    [Test]
    [CancelAfter(60_000)]
    public async Task Only_the_agent_of_the_call_reads_the_citizen_saves_the_case_and_controls_the_call()
    {
        await using var server = new CallServerFixture(useRedis: false, wrapUpSeconds: 30);
        var service = server.Service<CaseService>();
        var staff = new Actor("seed", ActorRole.Agent);
        var earlier = await service.CreateAsync(new CaseIntake { Channel = CaseChannel.Phone, Category = CaseCategory.Complaint, Description = "noise at night", CitizenPhone = Citizen }, staff);
        var (desk, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        await using var stranger = await AgentDesk.LoginAsync(server.Factory, "1050");
        await stranger.Connection.InvokeAsync<SeatSnapshot>("Login", "1050");
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, 500, Citizen);

        var history = await desk.Connection.InvokeAsync<CitizenHistory>("GetCitizen", call.CallId);
        Assert.That(history.Phone, Is.EqualTo(Citizen));
        Assert.That(history.Cases.Select(c => c.Number), Is.EqualTo(new[] { earlier.Number }));
        Assert.That(history.Cases[0].Open, Is.True);
        Assert.That(history.RepeatCaller, Is.True, "a case of this number from today");

        // Another agent, or any call id that is not the seat's, gets the same refusal and nothing else.
        var form = new DeskCaseForm("Complaint", null, "1 Main St", "water off since morning", false, "dispatch", 7, null, null);
        foreach (var (method, args) in new (string, object[])[]
        {
            ("GetCitizen", [call.CallId]), ("SaveCase", [call.CallId, form]), ("Hold", [call.CallId, true]),
            ("Mute", [call.CallId, true]), ("HangUp", [call.CallId]),
        })
        {
            var refused = Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeCoreAsync(method, typeof(object), args), method);
            Assert.That(refused!.Message, Does.Contain("No call of yours"), method);
        }
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<CitizenHistory>("GetCitizen", "not-this-call@host"));
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected), "nothing the stranger asked touched the call");

        await desk.Connection.InvokeAsync("Hold", call.CallId, true);
        await desk.Connection.InvokeAsync("Hold", call.CallId, false);
        await desk.Connection.InvokeAsync("Mute", call.CallId, true);
        await desk.Connection.InvokeAsync("Mute", call.CallId, false);

        // The call record is written by the records writer, off the call's path, within moments of the answer; an agent
        // saves a case seconds later. This test is faster than any agent: it waits for the written record first.
        Assert.That(await Telephony.Testing.Until.TrueAsync(async () => (await server.Records.GetCallRecordAsync(call.CallId))?.RecordingPath is not null, 10),
            Is.True, "the answered call's record is written");
        var bad = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<DeskCaseSaved>("SaveCase", call.CallId, form with { Resolution = "later" }));
        Assert.That(bad!.Message, Does.Contain("solved directly"));
        var saved = await desk.Connection.InvokeAsync<DeskCaseSaved>("SaveCase", call.CallId, form);
        Assert.That(saved.Status, Is.EqualTo(nameof(CaseStatus.Dispatched)));
        var stored = await service.GetAsync(saved.Id, Actor.System);
        Assert.That((stored.CallId, stored.CitizenPhone, stored.Channel, stored.DepartmentId), Is.EqualTo((call.CallId, Citizen, CaseChannel.Phone, (long?)7)));
        Assert.That(stored.RecordingPath, Is.Not.Null.And.EqualTo((await server.Records.GetCallRecordAsync(call.CallId))!.RecordingPath),
            "the recording comes from the call record written at the answer");

        await desk.Connection.InvokeAsync("HangUp", call.CallId);
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Survey), "the agent is gone; the citizen is asked to rate the call");
        Assert.That((await server.Seats.GetSeatAsync("1049"))!.State, Is.EqualTo(SeatState.WrapUp), "the seat is in wrap-up while the citizen rates the call");
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1049")));

        // Wrap-up: the citizen is still the agent's until they are Ready; then the wrap-up end is in the record.
        Assert.That((await desk.Connection.InvokeAsync<CitizenHistory>("GetCitizen", call.CallId)).Calls, Is.Empty, "the current call is not listed as an earlier one");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await server.Records.GetCallRecordAsync(call.CallId))!.WrapUpEndedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That((await server.Records.GetCallRecordAsync(call.CallId))!.WrapUpEndedAt, Is.Not.Null, "going Ready ended the wrap-up");
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<CitizenHistory>("GetCitizen", call.CallId), "Ready: the call is no longer the seat's");
    }
}
