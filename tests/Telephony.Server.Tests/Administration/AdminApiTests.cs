using System.Globalization;
using System.Security.Cryptography;
using Telephony.Cases.Staff;
using Telephony.Server.Administration; // StaffCatalog
using Telephony.Server.Security;
using static Telephony.Server.Tests.Administration.AdminApi;

namespace Telephony.Server.Tests.Administration;

/// <summary>
/// Issue 14, live administration: users, agents, seats and queues through the admin API into the cases database and
/// back, on SQLite and on the real PostgreSQL (TELEPHONY_TEST_POSTGRES), each test on a database of its own.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[CancelAfter(60_000)]
public sealed class AdminApiTests(string provider)
{
    private TestPostgresDatabase? _postgres;
    private string _folder = "";
    private Dictionary<string, string> _database = [];

    [SetUp]
    public async Task SetUpAsync()
    {
        _folder = Directory.CreateTempSubdirectory("telephony-admin-").FullName;
        if (provider == "postgres")
        {
            _postgres = await TestPostgresDatabase.CreateAsync();
            _database = new() { ["Cases:Provider"] = "postgres", ["Cases:ConnectionString"] = _postgres.ConnectionString };
        }
        else
        {
            _database = new() { ["Cases:ConnectionString"] = $"Data Source={Path.Combine(_folder, "cases.db")}" };
        }
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private TelephonyTestServer Server(IReadOnlyDictionary<string, string>? seats = null) =>
        new(new TelephonyTestServerOptions { Settings = _database, Seats = seats });

    [Test]
    public async Task Agents_seats_users_and_queues_round_trip_through_the_database()
    {
        await using var server = Server();
        using var admin = await ClientAsync(server.Factory, "admin", "demo-admin");
        var store = server.Service<IStaffStore>();

        // Seeded from the shipped files at the first start.
        var agents = await admin.GetFromJsonAsync<JsonElement>(U("/api/admin/agents"));
        Assert.That(agents.EnumerateArray().Select(a => a.GetProperty("id").GetString()), Does.Contain("1001"));

        // Agents.
        var (status, body) = await PutAsync(admin, "/api/admin/agents/7001", new { name = "Zhou Lei", skills = new[] { "zh", "General", "taxi" } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        (status, body) = await PutAsync(admin, "/api/admin/agents/7001", new { name = "Zhou Lei", skills = new[] { "zh", "en" } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That((await store.GetStaffAsync()).Agents.Single(a => a.Id == "7001").Skills, Is.EquivalentTo(new[] { "zh", "en" }));
        Assert.That(server.Service<Telephony.ContactCenter.Agents.AgentDirectory>().Find("7001")!.Skills, Is.EquivalentTo(new[] { "zh", "en" }), "applied to the ACD's directory at once");

        // Seats: HA1 per realm is stored, never the password.
        (status, body) = await PutAsync(admin, "/api/admin/seats/1001", new { password = "new-secret-1001" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        (status, body) = await PutAsync(admin, "/api/admin/seats/1099", new { password = "fresh-secret-99" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        var seat = (await store.GetStaffAsync()).Seats.Single(s => s.Extension == "1001");
        Assert.That((seat.Realm, seat.Ha1Md5, seat.Demo), Is.EqualTo(("test.local", Md5("1001:test.local:new-secret-1001"), false)));
        var seats = await admin.GetFromJsonAsync<JsonElement>(U("/api/admin/seats"));
        Assert.That(seats.ToString(), Does.Contain("1099").And.Not.Contain("secret"));

        // Users: PBKDF2 hashes; a new password ends the demo account.
        (status, body) = await PutAsync(admin, "/api/admin/users/agent7001", new { role = "agent", agent = "7001", password = "agent-7001-secret" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        Assert.That(await LoginStatusAsync(server.Factory, "agent7001", "agent-7001-secret"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await store.GetStaffAsync()).Users.Single(u => u.Name == "agent7001").PasswordHash, Does.StartWith("pbkdf2-sha256$"));
        Assert.That(server.Service<UserDirectory>().DemoAccounts, Does.Contain("supervisor"));
        (status, body) = await PutAsync(admin, "/api/admin/users/supervisor", new { role = "supervisor", password = "not-a-demo-any-more" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.Multiple(async () =>
        {
            Assert.That(server.Service<UserDirectory>().DemoAccounts, Does.Not.Contain("supervisor"), "the start-up warning no longer names it");
            Assert.That(await LoginStatusAsync(server.Factory, "supervisor", "demo-supervisor"), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await LoginStatusAsync(server.Factory, "supervisor", "not-a-demo-any-more"), Is.EqualTo(HttpStatusCode.OK));
        });

        // Queues with their policy, applied to the ACD before the answer.
        (status, body) = await PutAsync(admin, "/api/admin/queues/night", new
        {
            skills = new[] { "general" }, priority = 5, averageHandleSeconds = 200, maxWaitSeconds = 120, maxSize = 10,
            overflow = new[] { new { afterSeconds = 30, queue = "general" } }, endAction = "callback-offer",
        });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        var night = server.Service<AutomaticCallDistributor>().Queues.Single(q => q.Name == "night");
        Assert.That((night.Policy!.MaxWait, night.Policy.MaxSize, night.Policy.Overflows.Single().Queue), Is.EqualTo((TimeSpan.FromSeconds(120), (int?)10, "general")));
        var queues = await admin.GetFromJsonAsync<JsonElement>(U("/api/admin/queues"));
        Assert.That(queues.EnumerateArray().Select(q => q.GetProperty("name").GetString()), Does.Contain("night").And.Contain("general"));
        Assert.Multiple(async () =>
        {
            Assert.That(await DeleteAsync(admin, "/api/admin/queues/general"), Is.EqualTo(HttpStatusCode.Conflict), "other queues overflow to it");
            Assert.That(await DeleteAsync(admin, "/api/admin/queues/night"), Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(await DeleteAsync(admin, "/api/admin/agents/7001"), Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(await DeleteAsync(admin, "/api/admin/agents/7001"), Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await DeleteAsync(admin, "/api/admin/seats/1099"), Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(await DeleteAsync(admin, "/api/admin/users/agent7001"), Is.EqualTo(HttpStatusCode.NoContent));
        });
        var after = await store.GetStaffAsync();
        Assert.That((after.Agents.Any(a => a.Id == "7001"), after.Seats.Any(s => s.Extension == "1099"), after.Queues.Any(q => q.Name == "night")), Is.EqualTo((false, false, false)));
        Assert.That(server.Service<AutomaticCallDistributor>().Queues.Select(q => q.Name), Does.Not.Contain("night"));
    }

    [Test]
    public async Task Only_admins_get_in_with_small_well_formed_valid_bodies()
    {
        await using var server = Server();
        using var admin = await ClientAsync(server.Factory, "admin", "demo-admin");
        using var supervisor = await ClientAsync(server.Factory, "supervisor", "demo-supervisor");
        using var anonymous = server.Factory.CreateClient();
        Assert.Multiple(async () =>
        {
            using (var r = await supervisor.GetAsync(U("/api/admin/agents"))) Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await PutAsync(supervisor, "/api/admin/seats/1001", new { password = "taken-over-1001" })).Status, Is.EqualTo(HttpStatusCode.Forbidden));
            using (var r = await anonymous.GetAsync(U("/api/admin/users"))) Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

            using (var big = new StringContent("{\"name\":\"" + new string('x', 16 * 1024) + "\",\"skills\":[\"zh\"]}", Encoding.UTF8, "application/json"))
            using (var r = await admin.PutAsync(U("/api/admin/agents/7002"), big))
                Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            using (var broken = new StringContent("{\"skills\": [\"zh\"", Encoding.UTF8, "application/json"))
            using (var r = await admin.PutAsync(U("/api/admin/agents/7002"), broken))
                Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

            var (status, body) = await PutAsync(admin, "/api/admin/agents/7002", new { skills = new[] { "zh,en" } });
            Assert.That((status, body.Contains("skills", StringComparison.Ordinal)), Is.EqualTo((HttpStatusCode.BadRequest, true)), body);
            (status, body) = await PutAsync(admin, "/api/admin/agents/7002", new { skills = Array.Empty<string>() });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            (status, body) = await PutAsync(admin, "/api/admin/users/bob", new { role = "root", password = "long-enough-pw" });
            Assert.That((status, body.Contains("role", StringComparison.Ordinal)), Is.EqualTo((HttpStatusCode.BadRequest, true)));
            (status, _) = await PutAsync(admin, "/api/admin/users/bob", new { role = "agent", agent = "7002", password = "short" });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            (status, _) = await PutAsync(admin, "/api/admin/users/bob", new { role = "agent", password = "long-enough-pw" });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), "an agent needs its agent id");
            (status, _) = await PutAsync(admin, "/api/admin/users/" + Uri.EscapeDataString("bob\u202E"), new { role = "supervisor", password = "long-enough-pw" });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            (status, _) = await PutAsync(admin, "/api/admin/seats/10a1", new { password = "long-enough-pw" });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            (status, _) = await PutAsync(admin, "/api/admin/queues/q2", new { skills = new[] { "zh" }, overflow = new[] { new { afterSeconds = 30, queue = "nowhere" } } });
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), "an overflow to a queue that does not exist");
            (status, _) = await PutAsync(admin, "/api/admin/users/admin", new { role = "supervisor" });
            Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict), "the last admin stays admin");
        });
        Assert.That((await server.Service<IStaffStore>().GetStaffAsync()).Agents.Any(a => a.Id == "7002"), Is.False, "nothing refused was written");
    }

    [Test]
    public async Task A_guest_signs_in_only_on_the_rostered_date_and_expires_by_itself()
    {
        await using var server = Server();
        using var admin = await ClientAsync(server.Factory, "admin", "demo-admin");
        var users = server.Service<UserDirectory>();
        var today = users.Today;
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var (status, body) = await PutAsync(admin, "/api/admin/users/leader-tomorrow", new { role = "supervisor", password = "leaders-day-1", rosterDate = Day(today.AddDays(1)) });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        (status, body) = await PutAsync(admin, "/api/admin/users/leader-today", new { role = "supervisor", password = "leaders-day-2", rosterDate = Day(today) });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body);
        (status, _) = await PutAsync(admin, "/api/admin/users/leader-late", new { role = "supervisor", password = "leaders-day-3", rosterDate = Day(today.AddDays(-1)) });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), "a roster date in the past");

        Assert.That(await LoginStatusAsync(server.Factory, "leader-tomorrow", "leaders-day-1"), Is.EqualTo(HttpStatusCode.Forbidden), "not yet");
        var roster = await admin.GetFromJsonAsync<JsonElement>(U("/api/admin/rosters/" + Day(today)));
        Assert.That(roster.EnumerateArray().Select(u => u.GetProperty("name").GetString()), Is.EqualTo(new[] { "leader-today" }));
        using var guest = await ClientAsync(server.Factory, "leader-today", "leaders-day-2");
        using (var me = await guest.GetAsync(U("/api/auth/me")))
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The day is over (the row as it would read tomorrow: same stamp, yesterday's date): the token is dead, no one had to revoke it.
        var stored = (await server.Service<IStaffStore>().GetStaffAsync()).Users.Single(u => u.Name == "leader-today");
        await server.Service<IStaffStore>().SaveUserAsync(stored with { RosterDate = today.AddDays(-1) }, "test", DateTimeOffset.UtcNow);
        await server.Service<StaffCatalog>().RefreshAsync(force: true);
        using (var me = await guest.GetAsync(U("/api/auth/me")))
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await LoginStatusAsync(server.Factory, "leader-today", "leaders-day-2"), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task The_json_files_seed_only_an_empty_database()
    {
        await using (var first = Server(TelephonyTestServerOptions.SeatsWith("first-secret-", "1001")))
        {
            Assert.That(first.Service<SeatDirectory>().Extensions, Is.EqualTo(new[] { "1001" }));
        }
        await using var second = Server(TelephonyTestServerOptions.SeatsWith("second-secret-", "1001", "1002"));
        var seat = (await second.Service<IStaffStore>().GetStaffAsync()).Seats.Single();
        Assert.That((seat.Extension, seat.Ha1Md5), Is.EqualTo(("1001", Md5("1001:test.local:first-secret-1001"))), "the database, not the changed file");
        Assert.That(second.Service<SeatDirectory>().Extensions, Is.EqualTo(new[] { "1001" }));
    }

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
