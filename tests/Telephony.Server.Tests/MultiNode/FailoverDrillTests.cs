using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Telephony.Cases;
using Telephony.Testing.Calls;

namespace Telephony.Server.Tests.MultiNode;

/// <summary>
/// The deployment of issue 15 on loopback: Debian's Kamailio running the shipped <c>deploy/kamailio/kamailio.cfg</c> in
/// front of two server processes (127.0.0.2 and 127.0.0.3, SIP, RTP and HTTP each on its own address) sharing one Redis
/// and one PostgreSQL database. A seat registers through Kamailio; citizens' calls go through Kamailio to both nodes; one
/// node is killed (SIGKILL) with a call up.
/// </summary>
[NonParallelizable]
public sealed class FailoverDrillTests
{
    private static readonly IPEndPoint Proxy = new(IPAddress.Parse("127.0.0.4"), 5070);
    private static readonly IPEndPoint SipA = new(IPAddress.Parse("127.0.0.2"), 5071);
    private static readonly IPEndPoint SipB = new(IPAddress.Parse("127.0.0.3"), 5071);

    private static string RedisEndpoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";

    [Test]
    [CancelAfter(300_000)]
    public async Task Calls_through_kamailio_reach_both_nodes_and_a_killed_nodes_share_goes_to_the_survivor()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-failover-").FullName;
        var prefix = "test:drill:" + Guid.NewGuid().ToString("N");
        await using var database = await TestPostgresDatabase.CreateAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint + ",abortConnect=true");
        try
        {
            await using var phones = PhoneMedia.Start(38800, 38899);
            await using var partner = await TestPhone.StartAsync("sip:12348@127.0.0.1", 1400, phones);
            partner.AutoAnswer();
            int partnerPort = partner.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
            var settingsA = NodeSettings("a", SipA, 37010, 38000, folder, partnerPort, prefix, database.ConnectionString);
            var settingsB = NodeSettings("b", SipB, 37011, 38100, folder, partnerPort, prefix, database.ConnectionString);
            var (nodeA, nodeB) = await TelephonyServerProcess.StartBothAsync(settingsA, settingsB);
            await using var _ = nodeB;
            using var kamailio = await KamailioProcess.StartAsync(Proxy, [SipA, SipB]);
            var store = new SqlCaseStore(SqlDialect.Postgres, database.ConnectionString, NullLogger<SqlCaseStore>.Instance);
            try
            {
                // A seat registers through Kamailio; the binding lands in Redis with Kamailio as its path (RFC 3327).
                await using var seat = await TestPhone.StartAsync("sip:1001@test.local", 700, phones, "1001", "demo-xo2jqTquvx");
                var registered = await seat.Ua.RegisterAsync($"sip:{Proxy}", 300);
                Assert.That(registered.StatusCode, Is.EqualTo(200), kamailio.Output);
                Assert.That(registered.GetHeaderLines(SipHeaderNames.Path), Is.EqualTo(new[] { $"<sip:{Proxy};lr>" }), "the registrar returns the Path it stored");
                var locations = new RedisLocationStore(redis, prefix);
                var binding = (await locations.GetBindingsAsync("sip:1001@test.local")).Single();
                Assert.That(binding.RouteSet, Is.EqualTo(new[] { $"<sip:{Proxy};lr>" }), "any node rings the seat through Kamailio");

                // A token from one node opens the other (the key ring is in Redis, the key folders differ).
                using (var http = new HttpClient())
                {
                    using var login = await http.PostAsJsonAsync(new Uri(nodeA.Http, "api/auth/token"), new { username = "agent1001", password = "demo-agent-1001" });
                    var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(nodeB.Http, "api/cases?text=x"));
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    using var onB = await http.SendAsync(request);
                    Assert.That(onB.StatusCode, Is.EqualTo(HttpStatusCode.OK), "node a's token on node b");
                }

                // Citizens' calls through Kamailio are spread over both nodes (round robin).
                await using var citizen1 = await TestPhone.StartAsync("sip:citizen-1@127.0.0.1", 500, phones);
                await using var citizen2 = await TestPhone.StartAsync("sip:citizen-2@127.0.0.1", 600, phones);
                var call1 = await ConnectAsync(citizen1, partner);
                var call2 = await ConnectAsync(citizen2, partner);
                var owner1 = (await store.WaitForRecordAsync(call1.CallId, r => r.Live, "a live record", TimeSpan.FromSeconds(10))).NodeId;
                var owner2 = (await store.WaitForRecordAsync(call2.CallId, r => r.Live, "a live record", TimeSpan.FromSeconds(10))).NodeId;
                Assert.That(new[] { owner1, owner2 }, Is.EquivalentTo(new[] { "a", "b" }), "one call on each node");
                var onA = owner1 == "a" ? call1 : call2;
                var onB2 = owner1 == "a" ? call2 : call1;

                // The floor across nodes: node b lists both calls and carries a command to the call on node a.
                using (var supervisor = new HttpClient { BaseAddress = nodeB.Http })
                {
                    using var login = await supervisor.PostAsJsonAsync(new Uri(nodeA.Http, "api/auth/token"), new { username = "supervisor", password = "demo-supervisor" });
                    supervisor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                        (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
                    var live = await supervisor.GetFromJsonAsync<JsonElement>(new Uri("api/calls", UriKind.Relative));
                    Assert.That(live.EnumerateArray().Select(c => c.GetProperty("callId").GetString()), Is.EquivalentTo(new[] { call1.CallId, call2.CallId }),
                        "node b's list has node a's call too");
                    using var command = await supervisor.DeleteAsync(new Uri($"api/calls/{Uri.EscapeDataString(onA.CallId)}/supervision", UriKind.Relative));
                    var answer = await command.Content.ReadAsStringAsync();
                    Assert.That(command.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), answer);
                    Assert.That(answer, Does.Contain("No supervisor is on that call."), "node a's call answered the command asked on node b");
                }

                // SIGKILL node a with its call up. A call placed at once still connects (Kamailio's INVITE times out
                // on a and goes to b); once a probe took a out, calls go straight to b. None fails.
                var killedAt = DateTime.UtcNow;
                await nodeA.KillAsync();
                await using var citizen3 = await TestPhone.StartAsync("sip:citizen-3@127.0.0.1", 510, phones);
                await using var citizen4 = await TestPhone.StartAsync("sip:citizen-4@127.0.0.1", 520, phones);
                var atOnce = await ConnectAsync(citizen3, partner);
                var connectedAfter = (DateTime.UtcNow - killedAt).TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(7)); // the probe interval (1 s) and the probe's timeout (5 s here)
                var (later, setup) = await TimedConnectAsync(citizen4, partner);
                foreach (var call in new[] { atOnce, later })
                {
                    Assert.That((await store.WaitForRecordAsync(call.CallId, r => r.Live, "a live record", TimeSpan.FromSeconds(10))).NodeId, Is.EqualTo("b"));
                }
                TestContext.Out.WriteLine(FormattableString.Invariant(
                    $"a call placed at the kill connected {connectedAfter:F1} s after it; one placed 7 s later took {setup:F2} s"));
                Assert.That(setup, Is.LessThan(4.0), "after the probe time no INVITE waits for the dead node (5 s)");
                Assert.That(onB2.State, Is.EqualTo(CallState.Established), "the survivor's call goes on");

                // Node b notices that node a went silent (Calls:NodeLostAfterSeconds) and ends its call truthfully.
                var lost = await store.WaitForRecordAsync(onA.CallId, r => !r.Live, "the record swept by node b", TimeSpan.FromSeconds(20));
                Assert.That((lost.Outcome, lost.NodeId), Is.EqualTo((CallOutcome.NodeLost.ToText(), "a")));
                Assert.That(lost.EndedAt!.Value, Is.EqualTo(new DateTimeOffset(killedAt)).Within(TimeSpan.FromSeconds(2)), "ended at its last known activity");
                Assert.That(nodeB.Output, Does.Contain("node a"), "node b logs the sweep");

                // Node a comes back; the seat's registration outlived it.
                await using var again = await TelephonyServerProcess.StartAsync(settingsA);
                Assert.That((await locations.GetBindingsAsync("sip:1001@test.local")).Select(b => b.ContactUri), Is.EqualTo(new[] { binding.ContactUri }),
                    "no registration was lost with the node");
            }
            finally
            {
                await nodeA.DisposeAsync();
                TestContext.Out.WriteLine("kamailio:\n" + string.Join('\n', kamailio.Output.Split('\n').Where(l => !l.Contains(" INFO: ", StringComparison.Ordinal)).TakeLast(40)));
                TestContext.Out.WriteLine("node a:\n" + string.Join('\n', nodeA.Output.Split('\n').TakeLast(40)));
                TestContext.Out.WriteLine("node b:\n" + string.Join('\n', nodeB.Output.Split('\n').TakeLast(40)));
            }
        }
        finally
        {
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            await foreach (var key in server.KeysAsync(pattern: "{" + prefix + "}:*"))
                await redis.GetDatabase().KeyDeleteAsync(key);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A citizen's call to 12345 through Kamailio, handed by the IVR to the partner hotline; returns the citizen's leg.</summary>
    private static async Task<SipCall> ConnectAsync(TestPhone citizen, TestPhone partner) => (await TimedConnectAsync(citizen, partner)).Call;

    /// <summary><see cref="ConnectAsync"/>, with the seconds from the INVITE to the node's 200 (the part Kamailio's choice of node affects).</summary>
    private static async Task<(SipCall Call, double AnsweredAfter)> TimedConnectAsync(TestPhone citizen, TestPhone partner)
    {
        var started = DateTime.UtcNow;
        var call = await citizen.Ua.CallAsync($"sip:12345@{Proxy}", citizen.Offer());
        var established = await call.NextAsync<CallEstablished>(TimeSpan.FromSeconds(20));
        var answeredAfter = (DateTime.UtcNow - started).TotalSeconds;
        citizen.ApplyAnswer(established.RemoteSdp);
        var far = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await far.NextAsync<CallEstablished>(TimeSpan.FromSeconds(10));
        return (call, answeredAfter);
    }

    private static Dictionary<string, string> NodeSettings(
        string name, IPEndPoint sip, int httpPort, int rtpMin, string folder, int partnerPort, string prefix, string cases)
    {
        var settings = TransferNodeSettings.Create(Path.Combine(folder, name), partnerPort, rtpMin, rtpMin + 99);
        settings["Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://{sip.Address}:{httpPort}");
        settings["Sip:Udp"] = sip.ToString();
        settings["Calls:RtpBindAddress"] = sip.Address.ToString();
        settings["Calls:NodeId"] = name;
        settings["Calls:NodeHeartbeatSeconds"] = "1";
        settings["Calls:NodeLostAfterSeconds"] = "3";
        settings["ContactCenter:Redis"] = RedisEndpoint;
        settings["ContactCenter:KeyPrefix"] = prefix;
        settings["ContactCenter:Node"] = name;
        settings["Cases:Provider"] = "postgres";
        settings["Cases:ConnectionString"] = cases;
        settings["Security:KeysFolder"] = Path.Combine(folder, name, "keys"); // each node its own: only Redis can share the ring
        return settings;
    }
}
