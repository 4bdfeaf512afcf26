using Telephony.Server.Security;

namespace Telephony.Server.Tests.Security;

/// <summary>
/// Issue 10, finding 7: bearer tokens survived logout, demotion, removal of the user and restarts. Each
/// token now carries the user's security stamp, checked on every request and hub call.
/// </summary>
[CancelAfter(60_000)]
public sealed class TokenRevocationTests
{
    private static Uri U(string path) => new(path, UriKind.Relative);

    private static async Task<string> Token(WebApplicationFactory<Program> factory, string user, string password) =>
        await AgentDesk.TokenAsync(factory, user, password);

    private static HttpClient With(WebApplicationFactory<Program> factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<HttpStatusCode> Me(WebApplicationFactory<Program> factory, string token)
    {
        using var client = With(factory, token);
        using var r = await client.GetAsync(U("/api/auth/me"));
        return r.StatusCode;
    }

    [Test]
    public async Task Logout_revokes_every_token_of_the_user_and_a_new_login_works()
    {
        await using var server = new TelephonyTestServer();
        var laptop = await Token(server.Factory, "supervisor", "demo-supervisor");
        var phone = await Token(server.Factory, "supervisor", "demo-supervisor");
        var admin = await Token(server.Factory, "admin", "demo-admin");

        using (var client = With(server.Factory, laptop))
        using (var logout = await client.PostAsync(U("/api/auth/logout"), null))
        {
            Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await Me(server.Factory, laptop), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await Me(server.Factory, phone), Is.EqualTo(HttpStatusCode.Unauthorized), "all devices");
            Assert.That(await Me(server.Factory, admin), Is.EqualTo(HttpStatusCode.OK), "other users keep theirs");
            Assert.That(await Me(server.Factory, await Token(server.Factory, "supervisor", "demo-supervisor")), Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task A_revoked_token_stays_revoked_after_a_restart_and_a_kept_one_stays_valid()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-users-").FullName;
        var users = Path.Combine(folder, "users.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "users.json"), users);
        // The users live in the database (the file only seeds it): the restarted server and the other node share it.
        var options = new TelephonyTestServerOptions { Settings = new Dictionary<string, string>
        {
            ["Security:UsersFile"] = users, ["Cases:ConnectionString"] = $"Data Source={Path.Combine(folder, "cases.db")}",
        } };
        try
        {
            string revoked, kept;
            await using (var before = new TelephonyTestServer(options))
            {
                revoked = await Token(before.Factory, "supervisor", "demo-supervisor");
                kept = await Token(before.Factory, "agent1001", "demo-agent-1001");
                using var client = With(before.Factory, revoked);
                using var logout = await client.PostAsync(U("/api/auth/logout"), null);
                Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            }

            await using var after = new TelephonyTestServer(options);
            Assert.Multiple(async () =>
            {
                Assert.That(await Me(after.Factory, revoked), Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(await Me(after.Factory, kept), Is.EqualTo(HttpStatusCode.OK));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_role_change_revokes_the_old_role_and_is_written_to_the_database()
    {
        await using var server = new TelephonyTestServer();
        var admin = await Token(server.Factory, "admin", "demo-admin");
        var supervisor = await Token(server.Factory, "supervisor", "demo-supervisor");
        using var adminClient = With(server.Factory, admin);

        using (var demote = await adminClient.PutAsJsonAsync(U("/api/users/supervisor/role"), new { role = "handler", department = "water" }))
        {
            Assert.That(demote.StatusCode, Is.EqualTo(HttpStatusCode.OK), await demote.Content.ReadAsStringAsync());
        }
        using (var calls = With(server.Factory, supervisor))
        using (var list = await calls.GetAsync(U("/api/calls")))
        {
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the supervisor token is dead");
        }
        var handler = await Token(server.Factory, "supervisor", "demo-supervisor");
        using (var me = With(server.Factory, handler))
        {
            var claims = await me.GetFromJsonAsync<JsonElement>(U("/api/auth/me"));
            Assert.That((claims.GetProperty("role").GetString(), claims.GetProperty("department").GetString()), Is.EqualTo(("handler", "water")));
        }
        var saved = (await server.Service<Telephony.Cases.Staff.IStaffStore>().GetStaffAsync()).Users.Single(u => u.Name == "supervisor");
        Assert.That((saved!.Role, saved.Department), Is.EqualTo(("handler", "water")));

        Assert.Multiple(async () =>
        {
            using var unknownRole = await adminClient.PutAsJsonAsync(U("/api/users/agent1001/role"), new { role = "root" });
            Assert.That(unknownRole.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            using var noDepartment = await adminClient.PutAsJsonAsync(U("/api/users/agent1001/role"), new { role = "handler" });
            Assert.That(noDepartment.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            using var nobody = await adminClient.PutAsJsonAsync(U("/api/users/nobody/role"), new { role = "agent", agent = "1001" });
            Assert.That(nobody.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            using var lastAdmin = await adminClient.PutAsJsonAsync(U("/api/users/admin/role"), new { role = "supervisor" });
            Assert.That(lastAdmin.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            using var bidi = await adminClient.PutAsJsonAsync(U("/api/users/" + Uri.EscapeDataString("agent\u202E1001") + "/role"), new { role = "supervisor" });
            Assert.That(bidi.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await bidi.Content.ReadAsStringAsync(), Does.Contain("text-direction"));
        });

        using var asHandler = With(server.Factory, handler);
        using var notAdmin = await asHandler.DeleteAsync(U("/api/users/agent1001"));
        Assert.That(notAdmin.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_removed_agent_is_refused_on_http_and_on_the_hub_at_once()
    {
        await using var server = new TelephonyTestServer();
        var admin = await Token(server.Factory, "admin", "demo-admin");
        var agentToken = await Token(server.Factory, "agent1004", "demo-agent-1004");
        await using var desk = await AgentDesk.ConnectAsync(server.Factory, agentToken);
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1004");
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        desk.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        using var adminClient = With(server.Factory, admin);
        using (var delete = await adminClient.DeleteAsync(U("/api/users/agent1004")))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(async () =>
        {
            Assert.That(await Me(server.Factory, agentToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(async () => await AgentDesk.ConnectAsync(server.Factory, agentToken), Throws.Exception, "no new hub connection");
            using var login = await TestRemoteAddress.LoginAsync(server.Factory.CreateClient(), "agent1004", "demo-agent-1004");
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            using var again = await adminClient.DeleteAsync(U("/api/users/agent1004"));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task A_hub_call_with_a_token_revoked_elsewhere_is_refused()
    {
        await using var server = new TelephonyTestServer();
        var token = await Token(server.Factory, "agent1006", "demo-agent-1006");
        await using var desk = await AgentDesk.ConnectAsync(server.Factory, token);
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1006");

        // The stamp changes behind the hub's back (as another node's logout does).
        var users = server.Service<UserDirectory>();
        Assert.That(await users.RevokeAsync("agent1006", "test"), Is.True);
        // Revoke() here does not close connections (the endpoint does): the filter must refuse the call itself.
        var refused = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("SetReady"));
        Assert.That(refused!.Message, Does.Contain("no longer valid"));
    }

    [Test]
    public async Task Nodes_sharing_the_database_see_a_logout_on_the_other_node()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-users-").FullName;
        var users = Path.Combine(folder, "users.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "users.json"), users);
        // The users live in the database (the file only seeds it): the restarted server and the other node share it.
        var options = new TelephonyTestServerOptions { Settings = new Dictionary<string, string>
        {
            ["Security:UsersFile"] = users, ["Cases:ConnectionString"] = $"Data Source={Path.Combine(folder, "cases.db")}",
        } };
        try
        {
            await using var a = new TelephonyTestServer(options);
            await using var b = new TelephonyTestServer(options);
            var token = await Token(a.Factory, "supervisor", "demo-supervisor");
            Assert.That(await Me(b.Factory, token), Is.EqualTo(HttpStatusCode.OK), "B accepts A's token (shared key ring)");
            using (var client = With(a.Factory, token))
            using (var logout = await client.PostAsync(U("/api/auth/logout"), null))
            {
                Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            }
            // B looks at the staff version again within UserDirectory.RecheckInterval (no Redis here to tell it at once).
            var deadline = DateTime.UtcNow + UserDirectory.RecheckInterval * 5;
            HttpStatusCode status;
            while ((status = await Me(b.Factory, token)) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
