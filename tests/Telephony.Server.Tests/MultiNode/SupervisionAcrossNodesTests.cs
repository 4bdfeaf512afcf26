using System.Globalization;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using Telephony.Calls.WebPhone;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Server.Tests.Calls;
using Telephony.Server.Tests.Supervisors;
using Telephony.Testing.WebRtc;
using static Telephony.Testing.Audio.ThreePartyTones;

namespace Telephony.Server.Tests.MultiNode;

/// <summary>
/// Issue 15's supervision across nodes, through the supervisors' hub: the supervisor's wall is connected to node a, the
/// call lives on node b (its citizen dialled node b, its agent works through node b). Monitor rings the supervisor's
/// seat phone (registered through node a, rung by node b from the shared location store) and it hears the call;
/// mode changes and leave reach node b; listening from the browser gets node b's WebRTC offer on node a's connection
/// (the SignalR Redis backplane), the answer goes back over the command router, and the scripted page's ICE and DTLS
/// to node b make node b's call supervised. A call of the supervisor's own seat on node b is refused. The nodes run
/// in-process side by side on the test Redis (a fresh prefix): SIP 127.0.0.40:45001 and 127.0.0.41:45002, RTP
/// 45100-45299 on those addresses, the phones' RTP 45300-45499.
/// </summary>
[NonParallelizable]
[CancelAfter(120_000)]
public sealed partial class SupervisionAcrossNodesTests
{
    private static readonly IPEndPoint SipA = new(IPAddress.Parse("127.0.0.40"), 45001);
    private static readonly IPEndPoint SipB = new(IPAddress.Parse("127.0.0.41"), 45002);

    private static string RedisEndpoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";

    private string _prefix = "";
    private string _folder = "";
    private readonly List<IAsyncDisposable> _owned = [];
    private CallServerFixture _nodeA = null!;
    private CallServerFixture _nodeB = null!;

    [SetUp]
    public void StartNodes()
    {
        _prefix = "test:xsup:" + Guid.NewGuid().ToString("N")[..8];
        _folder = Directory.CreateTempSubdirectory("telephony-xsup-").FullName;
        var users = WriteUsers(_folder);
        _nodeA = Node("a", SipA, 45100, 45300, users);
        _nodeB = Node("b", SipB, 45200, 45400, users);
    }

    [TearDown]
    public async Task StopNodesAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _owned.Clear();
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: "*" + _prefix + "*"))
            await redis.GetDatabase().KeyDeleteAsync(key);
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_wall_on_node_a_monitors_changes_mode_leaves_and_listens_from_the_browser_to_a_call_on_node_b()
    {
        var (citizen, call, agent) = await CallOnNodeBAsync();
        var supervisor = await PhoneAsync(_nodeA, SipA, "1051", SupervisorHz);
        supervisor.AutoAnswer();
        await using var wall = await SupervisorWall.ConnectAsync(_nodeA.Factory.Server, await AgentDesk.TokenAsync(_nodeA.Factory, "supervisor", "demo-supervisor"));
        Assert.That(_nodeA.Calls.LiveCalls(), Is.Empty, "node a holds no call");

        // Node a's wall shows node b's call at seat 1050 with its caller (learnt from node b, not on every push), so it offers monitoring.
        var (floor, _) = await wall.FloorAsync(f => f.Seats.Any(t => t.Extension == "1050" && t.CallId == call.CallId && t.CallKnown));
        var tile = floor.Seats.Single(t => t.Extension == "1050");
        var listed = _nodeB.Calls.LiveCalls().Single(c => c.CallId == call.CallId);
        Assert.That((tile.State, tile.Caller, tile.Queue), Is.EqualTo((SeatState.OnCall, (string?)listed.Caller, listed.Queue)), "node b's call, as node b lists it");
        Assert.That(tile.Caller, Does.Contain("861741"));

        // Monitor from the seat phone: node b rings seat 1051 (registered through node a) and mixes it in.
        var started = await wall.Connection.InvokeAsync<string>("Monitor", call.CallId, "monitor", "1051");
        var supervisorCall = await supervisor.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await supervisorCall.NextAsync<CallEstablished>();
        await WaitAsync(() => Supervision(call.CallId) == ("monitor", "1051"), "node b's call is monitored from seat 1051");
        TestContext.Out.WriteLine("monitor: " + started);
        await Task.Delay(300);
        await Tones.ExpectAsync(supervisor, "the supervisor (monitor, across nodes)", CallerHz, AgentHz);
        await Tones.ExpectAsync(citizen, "the citizen (monitor)", AgentHz);

        // Mode change and leave, asked on node a, carried out by node b.
        await wall.Connection.InvokeAsync<string>("ChangeMode", call.CallId, "barge");
        Assert.That(Supervision(call.CallId), Is.EqualTo(((string?)"barge", (string?)"1051")));
        await Task.Delay(200);
        await Tones.ExpectAsync(citizen, "the citizen (barge)", AgentHz, SupervisorHz);
        await wall.Connection.InvokeAsync<string>("Leave", call.CallId);
        await supervisorCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        Assert.That(Supervision(call.CallId), Is.EqualTo(((string?)null, (string?)null)), "nobody supervises any more");
        var refused = Assert.ThrowsAsync<HubException>(async () => await wall.Connection.InvokeAsync<string>("Leave", call.CallId));
        Assert.That(refused!.Message, Does.Contain("No supervisor is on that call"), "node b's own answer");

        // From the browser: node b's offer reaches this connection on node a; the answer goes back to node b.
        await wall.Connection.InvokeAsync<string>("ListenInBrowser", call.CallId, "monitor");
        var offer = await wall.Offers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(offer.CallId, Is.EqualTo(call.CallId));
        Assert.That(offer.Sdp, Does.Contain("UDP/TLS/RTP/SAVPF").And.Contain("a=ice-lite"), "a WebRTC offer");
        var leg = new IPEndPoint(IPAddress.Parse(Sdp(offer.Sdp, ConnectionLine())), int.Parse(Sdp(offer.Sdp, MediaLine()), CultureInfo.InvariantCulture));
        Assert.That(leg.Address, Is.EqualTo(SipB.Address), "the leg is node b's media");
        using var page = new BrowserLikePeer();
        var answered = await wall.Connection.InvokeAsync<string>("AnswerListen", call.CallId,
            BrowserLikePeer.AnswerSdp(BrowserLikePeer.Ufrag, "browserPasswordOf24chars", page.Identity.Fingerprint.ToString()));
        TestContext.Out.WriteLine("answer: " + answered);
        Assert.That(DtlsFingerprint.TryParse(Sdp(offer.Sdp, FingerprintLine()), out var fingerprint), Is.True);
        Assert.That(page.Check(leg, Sdp(offer.Sdp, UfragLine()), Sdp(offer.Sdp, PasswordLine())), Is.Not.Zero, "node b's leg answers the page's check");
        await Task.Run(() => page.Connect(leg, fingerprint!));
        await WaitAsync(() => Supervision(call.CallId) == ("monitor", "supervisor (browser)"), "node b's call is monitored from the page on node a");

        // The page leaves: node b ends its leg and tells the page, on node a, that it is over.
        await wall.Connection.InvokeAsync<string>("Leave", call.CallId);
        Assert.That(await wall.ListensEnded.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(call.CallId));
        Assert.That(Supervision(call.CallId), Is.EqualTo(((string?)null, (string?)null)));
        Assert.That(agent.State, Is.EqualTo(CallState.Established), "the conversation goes on");
        await call.HangupAsync();
    }

    [Test]
    public async Task A_call_of_the_supervisors_own_seat_on_the_other_node_is_refused()
    {
        var (_, call, _) = await CallOnNodeBAsync();
        var monitorOwnSeat = await SupervisorWall.ConnectAsync(_nodeA.Factory.Server, await AgentDesk.TokenAsync(_nodeA.Factory, "supervisor", "demo-supervisor"));
        await using var _1 = monitorOwnSeat;
        var refused = Assert.ThrowsAsync<HubException>(async () => await monitorOwnSeat.Connection.InvokeAsync<string>("Monitor", call.CallId, "monitor", "1050"));
        Assert.That(refused!.Message, Does.Contain("your own seat's call"), "seat 1050 holds node b's call");

        // A team lead who is also agent 1050 cannot listen to their own call on node b, from the seat phone or the page.
        await using var lead = await SupervisorWall.ConnectAsync(_nodeA.Factory.Server, await AgentDesk.TokenAsync(_nodeA.Factory, "lead1050", "demo-lead-1050"));
        refused = Assert.ThrowsAsync<HubException>(async () => await lead.Connection.InvokeAsync<string>("Monitor", call.CallId, "monitor", "1051"));
        Assert.That(refused!.Message, Does.Contain("your own seat's call"));
        refused = Assert.ThrowsAsync<HubException>(async () => await lead.Connection.InvokeAsync<string>("ListenInBrowser", call.CallId, "monitor"));
        Assert.That(refused!.Message, Does.Contain("your own seat's call"));
        Assert.That(Supervision(call.CallId), Is.EqualTo(((string?)null, (string?)null)), "nobody joined");

        // A call no node holds is refused as such.
        refused = Assert.ThrowsAsync<HubException>(async () => await lead.Connection.InvokeAsync<string>("Monitor", "no-such-call", "monitor", "1051"));
        Assert.That(refused!.Message, Does.Contain("No such call on any node"));
        await call.HangupAsync();
    }

    /// <summary>Agent 1050 works through node b (desk and phone); a citizen dials node b's 12345 and presses 9; returns once they talk.</summary>
    private async Task<(TestPhone Citizen, SipCall Call, SipCall AgentCall)> CallOnNodeBAsync()
    {
        var agent = await PhoneAsync(_nodeB, SipB, "1050", AgentHz);
        agent.AutoAnswer();
        var desk = await AgentDesk.LoginAsync(_nodeB.Factory, "1050");
        _owned.Add(desk);
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1050");
        Assert.That((await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady")).State, Is.EqualTo(SeatState.Ready));
        var citizen = await _nodeB.CitizenAsync(CallerHz, "+861741");
        var call = await citizen.Ua.CallAsync($"sip:12345@{SipB}", citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await Task.Delay(200);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await agentCall.NextAsync<CallEstablished>();
        await WaitAsync(() => _nodeB.Calls.PhaseOf(call.CallId) == CallPhase.Connected, "node b bridges the citizen to agent 1050");
        return (citizen, call, agentCall);
    }


    /// <summary>A seat phone registered at <paramref name="node"/> (the binding goes into the shared Redis location store).</summary>
    private async Task<TestPhone> PhoneAsync(CallServerFixture node, IPEndPoint sip, string seat, double toneHz)
    {
        var phone = await TestPhone.StartAsync($"sip:{seat}@test.local", toneHz, node.PhoneMedia, seat, "pw-" + seat);
        _owned.Add(phone);
        Assert.That((await phone.Ua.RegisterAsync($"sip:{sip}", 300)).StatusCode, Is.EqualTo(200), "REGISTER " + seat);
        return phone;
    }

    /// <summary>Node b's view of who supervises <paramref name="callId"/> (mode, seat).</summary>
    private (string? Mode, string? Seat) Supervision(string callId) =>
        _nodeB.Calls.LiveCalls().Where(c => c.CallId == callId).Select(c => (c.Supervision, c.SupervisorSeat)).SingleOrDefault();

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That(done(), Is.True, what);
    }

    private CallServerFixture Node(string name, IPEndPoint sip, int rtpMin, int phoneMin, string users) =>
        new(useRedis: false, moreSettings: new Dictionary<string, string>
        {
            ["Sip:Udp"] = sip.ToString(),
            ["Sip:Tcp"] = "",
            ["Calls:RtpBindAddress"] = sip.Address.ToString(),
            ["Calls:RtpPortMin"] = rtpMin.ToString(CultureInfo.InvariantCulture),
            ["Calls:RtpPortMax"] = (rtpMin + 99).ToString(CultureInfo.InvariantCulture),
            ["Calls:NodeId"] = name,
            ["ContactCenter:Redis"] = RedisEndpoint,
            ["ContactCenter:KeyPrefix"] = _prefix,
            ["ContactCenter:Node"] = name,
            ["Security:UsersFile"] = users,
        }, phonePortMin: phoneMin, phonePortMax: phoneMin + 99);

    /// <summary>The shipped users and a team lead who is both supervisor and agent 1050.</summary>
    private static string WriteUsers(string folder)
    {
        var shipped = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "users.json")))!;
        shipped["users"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "lead1050", ["role"] = "supervisor", ["agent"] = "1050", ["password"] = "demo-lead-1050",
        });
        var path = Path.Combine(folder, "users.json");
        File.WriteAllText(path, shipped.ToJsonString());
        return path;
    }

    private static string Sdp(string sdp, Regex line) => line.Match(sdp).Groups[1].Value;

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex MediaLine();

    [GeneratedRegex(@"^c=IN IP4 (\S+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex ConnectionLine();

    [GeneratedRegex(@"^a=fingerprint:(.+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex FingerprintLine();

    [GeneratedRegex(@"^a=ice-ufrag:(.+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex UfragLine();

    [GeneratedRegex(@"^a=ice-pwd:(.+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();
}
