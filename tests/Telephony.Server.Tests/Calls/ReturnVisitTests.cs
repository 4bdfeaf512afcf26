using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.Server.Tests.Agents;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// Calls to citizens from the desk's REST side, through the whole host: a case's return visit (the agent's phone rings,
/// then the citizen's behind the trunk; the record is outbound and linked to the case, and the verdict saved with it),
/// and a missed call's task dialled and closed as reached.
/// </summary>
[NonParallelizable]
public sealed class ReturnVisitTests
{
    private const double AgentHz = 700;
    private const double CitizenHz = 1300;

    [Test]
    [CancelAfter(90_000)]
    public async Task A_return_visit_from_a_case_is_recorded_linked_to_the_case_and_the_verdict_saved_with_it()
    {
        await using var handsetMedia = Telephony.Testing.Phones.PhoneMedia.Start(18700, 18799);
        await using var handset = await TestPhone.StartAsync("sip:13900004444@127.0.0.1", CitizenHz, handsetMedia);
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = new CallServerFixture(useRedis: false, trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
        var (desk, phone) = await server.AgentAsync("1050", AgentHz);
        phone.AutoAnswer();
        handset.AutoAnswer();
        using var http = server.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "agent1050", "demo-agent-1050"));

        var cases = server.Service<CaseService>();
        var actor = new Actor("agent1050", ActorRole.Agent);
        var created = await cases.CreateAsync(new CaseIntake { Channel = CaseChannel.Phone, Category = CaseCategory.HelpRequest, Description = "street light out", CitizenPhone = "13900004444" }, actor);
        var answered = await cases.TransitionAsync(created.Id, new Transition { Action = CaseAction.AnswerDirectly, ExpectedVersion = created.Version, ReplyText = "fixed" }, actor);

        using var response = await http.PostAsync(new Uri($"/api/cases/{created.Id}/return-visit", UriKind.Relative), null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var callId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callId").GetString()!;
        var agentCall = await phone.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var handsetCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        phone.Listening = true;
        handset.Listening = true;
        await Task.Delay(1500);
        // The verdict the citizen gives on the call is saved with it (the Callback transition, naming the call).
        var closed = await cases.TransitionAsync(created.Id, new Transition { Action = CaseAction.Callback, ExpectedVersion = answered.Version, Satisfaction = Satisfaction.Satisfied, Note = "call " + callId }, actor);
        await agentCall.HangupAsync();
        await handsetCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        Assert.That(ToneCheck.Dominates(handset.Received(), AgentHz, CitizenHz), Is.True, "the citizen hears the agent");
        Assert.That(ToneCheck.Dominates(phone.Received(), CitizenHz, AgentHz), Is.True, "the agent hears the citizen");
        var record = await server.RecordAsync(callId);
        Assert.That((record.Direction, record.Outcome, record.CaseId, record.Called, record.AgentId),
            Is.EqualTo(((string?)CallDirections.Outbound, (string?)"return-visit", (long?)created.Id, (string?)"13900004444", (string?)"1050")));
        Assert.That(File.Exists(record.RecordingPath), Is.True, "recorded");
        Assert.That((closed.Status, closed.Satisfaction), Is.EqualTo((CaseStatus.Closed, (Satisfaction?)Satisfaction.Satisfied)));
        Assert.That((await cases.GetAuditAsync(created.Id, actor)).Last().Note, Does.Contain(callId));
        _ = desk;
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_missed_call_task_is_listed_dialled_from_the_seat_and_closed_as_reached_and_an_anonymous_one_never_exists()
    {
        await using var handsetMedia = Telephony.Testing.Phones.PhoneMedia.Start(18700, 18799);
        await using var handset = await TestPhone.StartAsync("sip:13900005555@127.0.0.1", CitizenHz, handsetMedia);
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        // The list's path alone: the ACD does not offer tasks on this node (Calls:CallbackTasksQueued 0).
        await using var server = new CallServerFixture(useRedis: false, trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}",
            moreSettings: new Dictionary<string, string> { ["Calls:CallbackTasksQueued"] = "0" });
        var (_, phone) = await server.AgentAsync("1050", AgentHz);
        phone.AutoAnswer();
        handset.AutoAnswer();
        using var http = server.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "agent1050", "demo-agent-1050"));
        var records = server.Records;
        var t = DateTimeOffset.UtcNow.AddMinutes(-5);
        await records.SaveCallRecordAsync(new CallRecord { CallId = "missed-1", Caller = "13900005555", Called = "12345", OfferedAt = t, QueuedAt = t.AddSeconds(5), EndedAt = t.AddSeconds(40), Outcome = "abandoned", Direction = "inbound" });
        await records.SaveCallRecordAsync(new CallRecord { CallId = "missed-anon", Caller = "anonymous", Called = "12345", OfferedAt = t, QueuedAt = t.AddSeconds(5), EndedAt = t.AddSeconds(40), Outcome = "abandoned" });

        var list = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/callbacks?state=open", UriKind.Relative));
        Assert.That(list.EnumerateArray().Select(e => e.GetProperty("number").GetString()), Is.EqualTo(new[] { "13900005555" }));
        using var response = await http.PostAsync(new Uri("/api/callbacks/next/dial", UriKind.Relative), null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var taskId = body.GetProperty("taskId").GetInt64();
        var agentCall = await phone.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var handsetCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((await server.Seats.GetSeatAsync("1050"))!.Reason, Is.EqualTo("callback work"), "no call is offered to the seat meanwhile");
        await Task.Delay(500);
        await handsetCall.HangupAsync();
        await agentCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        var tasks = server.Service<ICallbackTaskStore>();
        CallbackTask? task = null;
        for (var i = 0; i < 100 && task?.State != CallbackTaskState.Done; i++)
        {
            task = await tasks.GetCallbackTaskAsync(taskId);
            await Task.Delay(50);
        }
        Assert.That((task!.State, task.LastOutcome, task.Attempts), Is.EqualTo((CallbackTaskState.Done, (CallbackAttemptOutcome?)CallbackAttemptOutcome.Reached, 1)));
        var record = await server.RecordAsync(body.GetProperty("callId").GetString()!);
        Assert.That((record.Outcome, record.CallbackTaskId), Is.EqualTo(((string?)"missed-call-return", (long?)taskId)));
        using var none = await http.PostAsync(new Uri("/api/callbacks/next/dial", UriKind.Relative), null);
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "nothing else is owed: the anonymous caller has no task");
    }
}
