using Npgsql;

namespace Telephony.Server.Tests.Cases;

/// <summary>The server wired to the production store: <c>Cases:Provider=postgres</c> against the real server (TELEPHONY_TEST_POSTGRES).</summary>
[CancelAfter(60_000)]
public sealed class CaseApiPostgresTests
{
    [Test]
    public async Task Server_migrates_a_fresh_postgres_database_and_serves_cases()
    {
        await using var database = await TestPostgresDatabase.CreateAsync();
        var cs = database.ConnectionString;
        await using (var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["Cases:Provider"] = "postgres", ["Cases:ConnectionString"] = cs },
        }))
        {
            using var client = server.Factory.CreateClient();
            using var login = await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = "agent1001", password = "demo-agent-1001" });
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await client.PostAsJsonAsync(new Uri("/api/cases", UriKind.Relative),
                new { channel = "Web", category = "Report", description = "illegal dumping by the river", citizenPhone = "13500000000" });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            var found = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/cases?text=DUMPING", UriKind.Relative));
            Assert.That(found.GetProperty("items")[0].GetProperty("id").GetInt64(), Is.EqualTo(id));
            Assert.That(found.GetProperty("items")[0].GetProperty("ackSentAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        }
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations", connection);
        Assert.That(await cmd.ExecuteScalarAsync(), Is.EqualTo((long)Telephony.Cases.Storage.Migrations.All.Count), "every migration step applied, the survey score (4) included");
    }
}
