using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Cases;
using Telephony.Testing.Calls;

namespace Telephony.Server.Tests.MultiNode;

/// <summary>
/// Issue 15's floor on loopback: Debian's Kamailio (the shipped config) on 127.0.0.30 in front of two server processes
/// (127.0.0.31 and 127.0.0.32), one Redis of the test's own and one PostgreSQL database. All 60 seat phones register
/// through Kamailio; two English agents log in, one on each node's hub; citizens call 12345 through Kamailio, are
/// spread over both nodes and answered by the agents wherever their desk is. Then the node holding one agent's call
/// is killed (SIGKILL): the survivor ends that call as node-lost, releases the agent's seat, and the next citizen
/// reaches that agent through the survivor. Ports: SIP 43050-43052, HTTP 43061-43062, RTP 43100-43299,
/// phones 43300-43399, Redis 43000-43009.
/// </summary>
[NonParallelizable]
public sealed class FloorAcrossNodesTests
{
    private static readonly IPEndPoint Proxy = new(IPAddress.Parse("127.0.0.30"), 43050);
    private static readonly IPEndPoint SipA = new(IPAddress.Parse("127.0.0.31"), 43051);
    private static readonly IPEndPoint SipB = new(IPAddress.Parse("127.0.0.32"), 43052);

    [Test]
    [CancelAfter(420_000)]
    public async Task Sixty_seats_register_through_kamailio_agents_on_both_nodes_answer_and_a_killed_nodes_seat_is_released()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-floor-").FullName;
        try
        {
            await using var redis = await RedisServerProcess.StartAsync(43000, 43009);
            await using var database = await TestPostgresDatabase.CreateAsync();
            var prefix = "floor:" + Guid.NewGuid().ToString("N")[..8];
            var (nodeA, nodeB) = await TelephonyServerProcess.StartBothAsync(
                NodeSettings("a", SipA, 43061, 43100, folder, redis, prefix, database.ConnectionString),
                NodeSettings("b", SipB, 43062, 43200, folder, redis, prefix, database.ConnectionString));
            await using var _ = nodeB;
            using var kamailio = await KamailioProcess.StartAsync(Proxy, [SipA, SipB]);
            await using var phones = PhoneMedia.Start(43300, 43399);
            await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.EndPoint);
            var seatStore = new RedisSeatStore(connection, prefix);
            var records = new SqlCaseStore(SqlDialect.Postgres, database.ConnectionString, NullLogger<SqlCaseStore>.Instance);
            var owned = new List<IAsyncDisposable>();
            try
            {
                // All 60 seats register through Kamailio (it hashes each over the nodes), each binding naming Kamailio as its path.
                var seats = new Dictionary<string, TestPhone>(StringComparer.Ordinal);
                foreach (var (extension, password) in ShippedSeats())
                {
                    var phone = await TestPhone.StartAsync($"sip:{extension}@test.local", 1000 + int.Parse(extension[2..], CultureInfo.InvariantCulture) * 10, phones, extension, password);
                    owned.Add(phone);
                    var registered = await phone.Ua.RegisterAsync($"sip:{Proxy}", 600);
                    Assert.That(registered.StatusCode, Is.EqualTo(200), $"seat {extension} registers through Kamailio");
                    seats[extension] = phone;
                }
                var locations = new RedisLocationStore(connection, prefix);
                foreach (var extension in seats.Keys)
                {
                    Assert.That((await locations.GetBindingsAsync($"sip:{extension}@test.local")).Single().RouteSet, Is.EqualTo(new[] { $"<sip:{Proxy};lr>" }));
                }
                TestContext.Out.WriteLine($"registered 60 seats; REGISTERs per node: a {Count(nodeA.Output, "REGISTER")}, b {Count(nodeB.Output, "REGISTER")}");

                // Agent 1049's desk on node a, 1050's on node b; both Ready, their phones answer.
                await using var deskA = await AgentDesk.LoginAsync(nodeA.Http, "1049");
                await using var deskB = await AgentDesk.LoginAsync(nodeB.Http, "1050");
                foreach (var (desk, extension) in new[] { (deskA, "1049"), (deskB, "1050") })
                {
                    await desk.Connection.InvokeAsync<SeatSnapshot>("Login", extension);
                    await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
                    seats[extension].AutoAnswer();
                }

                // Two citizens through Kamailio: one call on each node, one per agent.
                var call1 = await EnglishCallAsync(phones, owned, "+861721");
                var call2 = await EnglishCallAsync(phones, owned, "+861722");
                var answered = new Dictionary<string, string>(StringComparer.Ordinal); // call → agent
                var owners = new Dictionary<string, string>(StringComparer.Ordinal);   // call → node
                foreach (var call in new[] { call1, call2 })
                {
                    var record = await records.WaitForRecordAsync(call.CallId, r => r.Live && r.AgentId is not null && r.AnsweredAt is not null,
                        "a live record with its agent", TimeSpan.FromSeconds(40));
                    answered[call.CallId] = record.AgentId!;
                    owners[call.CallId] = record.NodeId!;
                }
                Assert.That(owners.Values, Is.EquivalentTo(new[] { "a", "b" }), "Kamailio spread the citizens over both nodes");
                Assert.That(answered.Values, Is.EquivalentTo(new[] { "1049", "1050" }), "each agent took one call, wherever their desk is");
                var onCall = (await seatStore.GetSeatsAsync()).Where(s => s.State == SeatState.OnCall).Select(s => (s.Extension, s.CallId)).ToList();
                Assert.That(onCall, Is.EquivalentTo(answered.Select(a => (a.Value, (string?)a.Key))), "each seat holds its one call");

                // Node a dies with its call at an agent: node b ends the call as node-lost and releases that seat.
                var lostCall = owners.Single(o => o.Value == "a").Key;
                var releasedSeat = answered[lostCall];
                var otherCall = owners.Single(o => o.Value == "b").Key;
                await nodeA.KillAsync();
                var lost = await records.WaitForRecordAsync(lostCall, r => !r.Live, "node a's call ended by node b", TimeSpan.FromSeconds(30));
                Assert.That(lost.Outcome, Is.EqualTo(CallOutcome.NodeLost.ToText()));
                var deadline = DateTime.UtcNow.AddSeconds(20);
                SeatSnapshot? seat;
                while ((seat = await seatStore.GetSeatAsync(releasedSeat))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
                Assert.That((seat!.State, seat.AgentId), Is.EqualTo((SeatState.Ready, (string?)releasedSeat)), "the dead node's seat is Ready again: " + Tail(nodeB.Output));
                var still = await seatStore.GetSeatAsync(answered[otherCall]);
                Assert.That((still!.State, still.CallId), Is.EqualTo((SeatState.OnCall, (string?)otherCall)), "the survivor's call goes on");

                // The next citizen goes to the survivor (Kamailio's probe took node a out) and reaches the released agent.
                var call3 = await EnglishCallAsync(phones, owned, "+861723");
                var third = await records.WaitForRecordAsync(call3.CallId, r => r.Live && r.AgentId is not null, "the next call answered", TimeSpan.FromSeconds(40));
                Assert.That((third.NodeId, third.AgentId), Is.EqualTo(("b", (string?)releasedSeat)));
                var agents = (await seatStore.GetSeatsAsync()).Where(s => s.AgentId is not null).Select(s => (s.Extension, s.AgentId)).ToList();
                Assert.That(agents, Is.EquivalentTo(new[] { ("1049", (string?)"1049"), ("1050", "1050") }), "no seat double booked");
            }
            finally
            {
                for (var i = owned.Count - 1; i >= 0; i--)
                {
                    await owned[i].DisposeAsync();
                }
                await nodeA.DisposeAsync();
                TestContext.Out.WriteLine("kamailio:\n" + Tail(string.Join('\n', kamailio.Output.Split('\n').Where(l => !l.Contains(" INFO: ", StringComparison.Ordinal)))));
                TestContext.Out.WriteLine("node a:\n" + Tail(nodeA.Output));
                TestContext.Out.WriteLine("node b:\n" + Tail(nodeB.Output));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A citizen dials 12345 through Kamailio and presses 9 (English); returns the citizen's leg once the IVR has it.</summary>
    private static async Task<SipCall> EnglishCallAsync(MediaEngine phones, List<IAsyncDisposable> owned, string caller)
    {
        var citizen = await TestPhone.StartAsync($"sip:{caller}@127.0.0.1", 500, phones);
        owned.Add(citizen);
        var call = await citizen.Ua.CallAsync($"sip:12345@{Proxy}", citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>(TimeSpan.FromSeconds(20))).RemoteSdp);
        await Task.Delay(300);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        return call;
    }

    /// <summary>The 60 seats of the shipped <c>seats.json</c> (extension, demo password).</summary>
    private static IEnumerable<(string Extension, string Password)> ShippedSeats()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seats.json")));
        return [.. file.RootElement.GetProperty("seats").EnumerateArray().Select(s => (s.GetProperty("extension").GetString()!, s.GetProperty("password").GetString()!))];
    }

    private static int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    private static Dictionary<string, string> NodeSettings(
        string name, IPEndPoint sip, int httpPort, int rtpMin, string folder, RedisServerProcess redis, string prefix, string cases)
    {
        var own = Path.Combine(folder, name);
        Directory.CreateDirectory(own);
        var users = Path.Combine(own, "users.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "users.json"), users);
        return new Dictionary<string, string>
        {
            ["Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://{sip.Address}:{httpPort}"),
            ["Sip:Udp"] = sip.ToString(),
            ["Sip:Domain"] = "test.local",
            ["Calls:RtpBindAddress"] = sip.Address.ToString(),
            ["Calls:RtpPortMin"] = rtpMin.ToString(CultureInfo.InvariantCulture),
            ["Calls:RtpPortMax"] = (rtpMin + 99).ToString(CultureInfo.InvariantCulture),
            ["Calls:RtpRealtimePriority"] = "0",
            ["Calls:WatchIvrScript"] = "false",
            ["Calls:RecordingsFolder"] = Path.Combine(own, "recordings"),
            ["Calls:NodeId"] = name,
            ["Calls:NodeHeartbeatSeconds"] = "1",
            ["Calls:NodeLostAfterSeconds"] = "3",
            ["ContactCenter:Redis"] = redis.EndPoint,
            ["ContactCenter:KeyPrefix"] = prefix,
            ["ContactCenter:Node"] = name,
            ["ContactCenter:RingTimeoutSeconds"] = "10",
            ["ContactCenter:WrapUpSeconds"] = "1",
            ["Cases:Provider"] = "postgres",
            ["Cases:ConnectionString"] = cases,
            ["Cases:SmsOutboxFile"] = Path.Combine(own, "sms-outbox.jsonl"),
            ["Security:UsersFile"] = users,
            ["Security:KeysFolder"] = Path.Combine(own, "keys"), // each its own: only Redis can share the ring
        };
    }
}
