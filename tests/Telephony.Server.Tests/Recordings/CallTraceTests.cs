using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Telephony.Cases.Storage;
using Telephony.Server.Tests.Agents;
using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.Recordings;

/// <summary>A real call's own trace: its ladder on both legs, live while it runs, and in the database once it ended.</summary>
[NonParallelizable]
public sealed class CallTraceTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_finished_call_has_its_ladder_on_both_legs_and_quality_samples_in_the_database()
    {
        await using var server = new CallServerFixture(useRedis: false, moreSettings: new Dictionary<string, string> { ["Calls:QualitySampleSeconds"] = "1" });
        var (_, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var (_, call, agentCall) = await server.ConnectEnglishCallAsync(agent, 500, "+8613800000123");
        using var http = server.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "supervisor", "demo-supervisor"));
        var trace = new Uri($"/api/calls/{Uri.EscapeDataString(call.CallId)}/trace", UriKind.Relative);
        await Task.Delay(2500); // two quality samples of the connected call

        var live = await http.GetFromJsonAsync<JsonElement>(trace);
        Assert.That(live.GetProperty("live").GetBoolean(), Is.True);
        Assert.That(live.GetProperty("quality").EnumerateArray().Select(s => s.GetProperty("leg").GetString()), Does.Contain("caller").And.Contain("agent"));

        await call.HangupAsync();
        await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        await server.RecordAsync(call.CallId);
        var store = server.Service<ICallTraceStore>();
        string? saved = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); saved is null && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            saved = await store.GetCallTraceAsync(call.CallId);
        }
        Assert.That(saved, Is.Not.Null, "saved at the end of the call");
        using var doc = JsonDocument.Parse(saved!);
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray().ToList();
        static string Label(JsonElement m) => m.GetProperty("message").GetProperty("isRequest").GetBoolean()
            ? m.GetProperty("message").GetProperty("method").GetString()!
            : m.GetProperty("message").GetProperty("statusCode").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var caller = messages.Where(m => m.GetProperty("dialog").GetInt32() == 0).Select(Label).ToList();
        var agentLeg = messages.Where(m => m.GetProperty("dialog").GetInt32() == 1).Select(Label).ToList();
        Assert.That(caller, Is.SupersetOf(new[] { "INVITE", "200", "ACK", "BYE" }));
        Assert.That(caller.IndexOf("INVITE"), Is.LessThan(caller.IndexOf("200")));
        Assert.That(caller.IndexOf("200"), Is.LessThan(caller.IndexOf("ACK")));
        Assert.That(caller.IndexOf("ACK"), Is.LessThan(caller.IndexOf("BYE")));
        Assert.That(agentLeg, Is.SupersetOf(new[] { "INVITE", "200", "ACK", "BYE" }), "the agent's leg joined the call's trace");
        Assert.That(messages.Select(m => m.GetProperty("at").GetDateTimeOffset()), Is.Ordered, "time-ordered");
        var samples = doc.RootElement.GetProperty("quality").EnumerateArray().ToList();
        Assert.That(samples.Where(s => s.GetProperty("leg").GetString() == "caller" && s.TryGetProperty("mos", out _)), Is.Not.Empty);
        Assert.That(samples.Where(s => s.TryGetProperty("mos", out _)).Select(s => s.GetProperty("mos").GetDouble()), Has.All.GreaterThan(4.0), "clean loopback audio");
        Assert.That(doc.RootElement.GetProperty("live").GetBoolean(), Is.False);
    }
}
