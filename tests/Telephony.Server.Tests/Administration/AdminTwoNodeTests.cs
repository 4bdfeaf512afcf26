using StackExchange.Redis;
using Telephony.ContactCenter.Agents;
using Telephony.Sip.Auth;
using static Telephony.Server.Tests.Administration.AdminApi;

namespace Telephony.Server.Tests.Administration;

/// <summary>
/// Issue 14, live administration across nodes: two servers on one Redis (TELEPHONY_TEST_REDIS) and one cases
/// database. A change made through node A's admin API takes effect on node B without a restart and without
/// dropping B's call.
/// </summary>
[CancelAfter(60_000)]
public sealed class AdminTwoNodeTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(3);

    private string _folder = "";
    private string _prefix = "";

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("telephony-admin2-").FullName;
        _prefix = "test:adm:" + Guid.NewGuid().ToString("N")[..12];
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TelephonyTestServerOptions.RedisEndPoint);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: "*" + _prefix + "*"))
            await redis.GetDatabase().KeyDeleteAsync(key);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A node on the shared Redis and the shared database; calls are offered by the popping stand-in for the call manager.</summary>
    private TelephonyTestServer Node(string name) => new(new TelephonyTestServerOptions
    {
        Seats = TelephonyTestServerOptions.SeatsWith("old-secret-", "1001", "1002", "1007"),
        Settings = new Dictionary<string, string>
        {
            ["ContactCenter:Redis"] = TelephonyTestServerOptions.RedisEndPoint + ",abortConnect=true",
            ["ContactCenter:KeyPrefix"] = _prefix,
            ["ContactCenter:Node"] = name,
            ["Cases:ConnectionString"] = $"Data Source={Path.Combine(_folder, "cases.db")}",
        },
        TestServices = s => s.AddSingleton<IAcdCallControl, CallFlowTests.PoppingCallControl>(),
    });

    [Test]
    public async Task An_agent_added_on_A_takes_a_call_on_B_at_once_and_once_removed_finishes_it_before_being_logged_out()
    {
        await using var a = Node("a");
        await using var b = Node("b");
        using var admin = await ClientAsync(a.Factory, "admin", "demo-admin");

        Assert.That((await PutAsync(admin, "/api/admin/agents/7001", new { name = "Zhou Lei", skills = new[] { "zh", "general" } })).Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await PutAsync(admin, "/api/admin/users/agent7001", new { role = "agent", agent = "7001", password = "agent-7001-secret" })).Status, Is.EqualTo(HttpStatusCode.Created));
        var agentsB = b.Service<AgentDirectory>();
        Assert.That(await EventuallyAsync(() => agentsB.Find("7001") is not null, AtOnce), "node b knows the new agent without a restart");

        var token = await AgentDesk.TokenAsync(b.Factory, "agent7001", "agent-7001-secret");
        await using var desk = await AgentDesk.ConnectAsync(b.Factory, token);
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1007");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        var acdB = b.Service<AutomaticCallDistributor>();
        await acdB.EnqueueAsync(new InboundCall("adm-1", "+8613900000001", "12345", "general", 0, "zh", ["welcome"], "1"));
        var pop = await desk.Pops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((pop.CallId, pop.AgentId, pop.Extension), Is.EqualTo(("adm-1", "7001", "1007")));
        Assert.That(await acdB.AgentAnsweredAsync("adm-1"), Is.True);

        Assert.That(await DeleteAsync(admin, "/api/admin/agents/7001"), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await EventuallyAsync(() => agentsB.Find("7001") is null, AtOnce), "node b hears of the removal");
        await acdB.IdleAsync();
        Assert.That((await acdB.Store.GetSeatAsync("1007"))!.State, Is.EqualTo(SeatState.OnCall), "the call in hand is not dropped");

        await acdB.CallEndedAsync("adm-1");
        Assert.That((await acdB.Store.GetSeatAsync("1007"))!.State, Is.EqualTo(SeatState.LoggedOut), "logged out once the call has left the seat");
        Assert.That(async () => await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1007"), Throws.InstanceOf<HubException>(), "a removed agent cannot log in again");
    }

    [Test]
    public async Task A_seat_password_changed_on_A_is_asked_for_at_the_next_register_on_B()
    {
        await using var a = Node("a");
        await using var b = Node("b");
        using var admin = await ClientAsync(a.Factory, "admin", "demo-admin");
        Assert.That(await RegistersAsync(b, "1001", "old-secret-1001"), Is.True, "the seeded password");

        Assert.That((await PutAsync(admin, "/api/admin/seats/1001", new { password = "new-secret-1001" })).Status, Is.EqualTo(HttpStatusCode.OK));
        var seatsB = b.Service<SeatDirectory>();
        var expected = DigestCalculator.Ha1(DigestAlgorithm.Md5, "1001", "test.local", "new-secret-1001");
        Assert.That(await EventuallyAsync(() => seatsB.TryGetHa1("1001", "test.local", DigestAlgorithm.Md5, out var ha1) && ha1 == expected, AtOnce));

        Assert.That(await RegistersAsync(b, "1001", "old-secret-1001"), Is.False, "the old password is refused at the next REGISTER");
        Assert.That(await RegistersAsync(b, "1001", "new-secret-1001"), Is.True);
    }

    private static async Task<bool> RegistersAsync(TelephonyTestServer node, string extension, string password)
    {
        await using var phone = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions
        {
            LocalUri = $"sip:{extension}@test.local", Username = extension, Password = password,
        });
        var registrar = node.Uri("x").Replace("x@", "", StringComparison.Ordinal);
        await using var registration = await SipRegistration.StartAsync(phone, registrar, expires: 60);
        return registration.IsRegistered;
    }
}
