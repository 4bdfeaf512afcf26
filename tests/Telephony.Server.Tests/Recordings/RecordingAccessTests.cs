using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Telephony.Calls;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Server.Recordings;
using Telephony.Server.Tests.Agents;
using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.Recordings;

/// <summary>
/// Who may hear which recording, what is audited, what has expired, and that a client can never name a file.
/// Records and WAVs are put in place directly (the first-call tests cover how a call makes them).
/// </summary>
[NonParallelizable]
public sealed class RecordingAccessTests
{
    private CallServerFixture _server = null!;
    private string _folder = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = new CallServerFixture(useRedis: false, moreSettings: new Dictionary<string, string> { ["Calls:RecordingRetentionDays"] = "90" });
        _folder = _server.Service<Telephony.Calls.Recording.RecordingFolder>().Path;
        Directory.CreateDirectory(_folder);
        var now = DateTimeOffset.UtcNow;
        await SeedAsync("call-of-1001", "1001", now.AddMinutes(-30), Wav("call-of-1001"));
        await SeedAsync("call-of-1002", "1002", now.AddMinutes(-20), Wav("call-of-1002"));
        await SeedAsync("expired-call", "1001", now.AddMinutes(-10), Wav("expired-call"));
        await _server.Service<IRecordingStore>().MarkRecordingExpiredAsync("expired-call", now);
        File.Delete(Path.Combine(_folder, "expired-call.wav"));
        await SeedAsync("outside-call", "1001", now.AddMinutes(-5), "/etc/hostname");
        await SeedAsync("dotted-call", "1001", now.AddMinutes(-4), Path.Combine(_folder, "..", "cases.db"));
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task An_agent_hears_their_own_call_and_gets_403_for_another_agents()
    {
        using var agent = await ClientAsync("agent1001", "demo-agent-1001");
        using (var own = await agent.GetAsync(new Uri("/api/recordings/call-of-1001/audio", UriKind.Relative)))
        {
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(own.Content.Headers.ContentType?.MediaType, Is.EqualTo("audio/wav"));
            Assert.That((await own.Content.ReadAsByteArrayAsync()).Length, Is.EqualTo(new FileInfo(Path.Combine(_folder, "call-of-1001.wav")).Length));
        }
        using (var other = await agent.GetAsync(new Uri("/api/recordings/call-of-1002/audio", UriKind.Relative)))
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using (var audit = await agent.GetAsync(new Uri("/api/recordings/audit", UriKind.Relative)))
        {
            Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the audit is for supervisors");
        }
        using (var trace = await agent.GetAsync(new Uri("/api/calls/call-of-1002/trace", UriKind.Relative)))
        {
            Assert.That(trace.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        // Whatever agent they ask for, an agent's search lists only their own calls.
        var found = await agent.GetFromJsonAsync<JsonElement>(new Uri("/api/recordings?agent=1002", UriKind.Relative));
        Assert.That(found.EnumerateArray().Select(c => c.GetProperty("agentId").GetString()).Distinct(), Is.EqualTo(new[] { "1001" }));
        using var handler = await ClientAsync("handler-housing", "demo-handler-housing");
        using var refused = await handler.GetAsync(new Uri("/api/recordings/call-of-1001/audio", UriKind.Relative));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a department's case handler hears no recordings");
    }

    [Test]
    public async Task A_supervisor_downloads_any_recording_the_audit_has_the_row_and_an_expired_one_is_gone()
    {
        using var supervisor = await ClientAsync("supervisor", "demo-supervisor");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var download = await supervisor.GetAsync(new Uri("/api/recordings/call-of-1002/audio?download=true&channel=right", UriKind.Relative)))
        {
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(download.Content.Headers.ContentDisposition?.FileName, Does.Contain("call-of-1002"));
        }
        using (var expired = await supervisor.GetAsync(new Uri("/api/recordings/expired-call/audio?download=true", UriKind.Relative)))
        {
            Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        }
        var audit = await supervisor.GetFromJsonAsync<JsonElement>(new Uri("/api/recordings/audit?callId=call-of-1002", UriKind.Relative));
        var row = audit.EnumerateArray().First();
        Assert.That((row.GetProperty("userName").GetString(), row.GetProperty("role").GetString(), row.GetProperty("action").GetString(), row.GetProperty("channel").GetString()),
            Is.EqualTo(("supervisor", "supervisor", "download", "right")));
        Assert.That(row.GetProperty("at").GetDateTimeOffset(), Is.GreaterThan(before));
        var search = await supervisor.GetFromJsonAsync<JsonElement>(new Uri("/api/recordings?caller=%2B8613800000099", UriKind.Relative));
        var expiredRow = search.EnumerateArray().Single(c => c.GetProperty("callId").GetString() == "expired-call");
        Assert.That(expiredRow.GetProperty("recordingExpiredAt").ValueKind, Is.EqualTo(JsonValueKind.String));
    }

    [Test]
    public async Task Playback_uses_range_requests_and_only_its_first_request_is_a_listen()
    {
        using var supervisor = await ClientAsync("admin", "demo-admin");
        var store = _server.Service<IRecordingStore>();
        async Task<int> ListensAsync() => (await store.ListRecordingAccessAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1), "call-of-1001", 100)).Count;
        int before = await ListensAsync();
        using (var first = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/recordings/call-of-1001/audio", UriKind.Relative)))
        {
            first.Headers.Range = new RangeHeaderValue(0, null);
            using var response = await supervisor.SendAsync(first);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        }
        using (var later = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/recordings/call-of-1001/audio", UriKind.Relative)))
        {
            later.Headers.Range = new RangeHeaderValue(100, 199);
            using var response = await supervisor.SendAsync(later);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That((await response.Content.ReadAsByteArrayAsync()).Length, Is.EqualTo(100));
        }
        Assert.That(await ListensAsync(), Is.EqualTo(before + 1), "one listen, however many ranges the player asks for");
    }

    [TestCase("/api/recordings/..%2F..%2Fcases.db/audio")]
    [TestCase("/api/recordings/..%2Fcases.db/audio")]
    [TestCase("/api/recordings/%2E%2E/audio")]
    [TestCase("/api/recordings/a%5C..%5Cb/audio")]
    [TestCase("/api/recordings/outside-call/audio")]
    [TestCase("/api/recordings/dotted-call/audio")]
    [TestCase("/api/recordings/audit?callId=..%2Fx")]
    [TestCase("/api/calls/..%2F..%2Fetc/trace")]
    public async Task Path_traversal_is_refused(string path)
    {
        using var supervisor = await ClientAsync("supervisor", "demo-supervisor");
        using var response = await supervisor.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain("SQLite format"), "never the database's bytes");
        if (File.ReadAllText("/etc/hostname").Trim() is { Length: > 3 } hostname)
        {
            Assert.That(body, Does.Not.Contain(hostname), "never a file outside the recordings folder");
        }
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.Not.EqualTo("audio/wav"));
    }

    [Test]
    public async Task The_daily_sweep_deletes_old_recordings_and_traces_and_marks_their_records()
    {
        var now = DateTimeOffset.UtcNow;
        var oldPath = Wav("old-call");
        await SeedAsync("old-call", "1001", now.AddDays(-91), oldPath);
        var traces = _server.Service<ICallTraceStore>();
        await traces.SaveCallTraceAsync("old-trace", now.AddDays(-31), "{}");
        await traces.SaveCallTraceAsync("new-trace", now.AddDays(-1), "{}");

        var (recordings, traceRows) = await _server.Service<RetentionSweep>().RunOnceAsync();

        Assert.That(recordings, Is.EqualTo(1), "only the call older than Calls:RecordingRetentionDays (90)");
        Assert.That(traceRows, Is.EqualTo(1), "only the trace older than Calls:TraceRetentionDays (30)");
        Assert.That(File.Exists(oldPath), Is.False);
        Assert.That(File.Exists(Path.Combine(_folder, "call-of-1001.wav")), Is.True);
        Assert.That((await _server.Service<IRecordingStore>().GetRecordingAsync("old-call"))!.RecordingExpiredAt, Is.Not.Null);
        Assert.That(await traces.GetCallTraceAsync("old-trace"), Is.Null);
        Assert.That(await traces.GetCallTraceAsync("new-trace"), Is.Not.Null);
        Assert.That(File.Exists("/etc/hostname"), Is.True, "a path outside the folder is never deleted");
        using var supervisor = await ClientAsync("supervisor", "demo-supervisor");
        using var gone = await supervisor.GetAsync(new Uri("/api/recordings/old-call/audio", UriKind.Relative));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That((await _server.Service<RetentionSweep>().RunOnceAsync()).Recordings, Is.Zero, "a second sweep finds nothing new");
    }

    private async Task<HttpClient> ClientAsync(string user, string password)
    {
        var client = _server.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(_server.Factory, user, password));
        return client;
    }

    private Task SeedAsync(string callId, string agent, DateTimeOffset offered, string path) =>
        _server.Records.SaveCallRecordAsync(new CallRecord
        {
            CallId = callId, Caller = "+8613800000099", Called = "12345", OfferedAt = offered, AnsweredAt = offered.AddSeconds(20),
            EndedAt = offered.AddSeconds(80), Queue = "english", AgentId = agent, Outcome = "answered", RecordingPath = path,
        });

    // One second of stereo 16-bit 8 kHz: a 500 Hz tone on the left (caller), 1200 Hz on the right (agent).
    private string Wav(string callId)
    {
        var path = Path.Combine(_folder, callId + ".wav");
        using var writer = new NAudio.Wave.WaveFileWriter(path, new NAudio.Wave.WaveFormat(8000, 16, 2));
        for (int i = 0; i < 8000; i++)
        {
            writer.WriteSample((float)(0.3 * Math.Sin(2 * Math.PI * 500 * i / 8000)));
            writer.WriteSample((float)(0.3 * Math.Sin(2 * Math.PI * 1200 * i / 8000)));
        }
        return path;
    }
}
