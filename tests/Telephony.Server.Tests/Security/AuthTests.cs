using Telephony.Server.Security;

namespace Telephony.Server.Tests.Security;

public sealed class AuthTests
{
    private TelephonyTestServer _server = null!;

    private WebApplicationFactory<Program> Factory => _server.Factory;

    [SetUp]
    public void StartServer() => _server = new TelephonyTestServer();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static async Task<HttpResponseMessage> Login(HttpClient client, string user, string password) =>
        await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = user, password });

    [Test]
    public async Task Agent_gets_a_token_that_carries_role_and_agent_id()
    {
        using var client = Factory.CreateClient();
        using var login = await Login(client, "agent1001", "demo-agent-1001");
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/auth/me", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("role").GetString(), Is.EqualTo(Roles.Agent));
            Assert.That(me.GetProperty("agent").GetString(), Is.EqualTo("1001"));
        });
    }

    [Test]
    public async Task Handler_token_carries_its_department()
    {
        using var client = Factory.CreateClient();
        using var login = await Login(client, "handler-water", "demo-handler-water");
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/auth/me", UriKind.Relative));
        Assert.That(me.GetProperty("department").GetString(), Is.EqualTo("water"));
    }

    [Test]
    public async Task Wrong_password_and_unknown_user_get_the_same_problem_response()
    {
        using var client = Factory.CreateClient();
        using var wrong = await Login(client, "agent1001", "nope");
        using var unknown = await Login(client, "nobody", "nope");
        Assert.Multiple(async () =>
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrong.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(await WithoutTraceId(unknown), Is.EqualTo(await WithoutTraceId(wrong)));
        });
    }

    private static async Task<string> WithoutTraceId(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }

    [Test]
    public async Task Missing_fields_and_garbage_bodies_get_400_not_a_crash()
    {
        using var client = Factory.CreateClient();
        using var missing = await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = "agent1001" });
        using var garbage = await client.PostAsync(new Uri("/api/auth/token", UriKind.Relative), new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Multiple(() =>
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    [Test]
    public async Task Password_guessing_is_cut_off_after_a_few_failures()
    {
        using var client = Factory.CreateClient();
        for (var i = 0; i < LoginThrottle.MaxFailuresPerUser; i++)
        {
            using var r = await Login(client, "agent1002", $"guess{i}");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        // Even the right password is refused now: the guesser learns nothing more.
        using var blocked = await Login(client, "agent1002", "demo-agent-1002");
        Assert.That(blocked.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Protected_endpoint_refuses_anonymous_and_forged_tokens()
    {
        using var client = Factory.CreateClient();
        using var anonymous = await client.GetAsync(new Uri("/api/auth/me", UriKind.Relative));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "forged.token.value");
        using var forged = await client.GetAsync(new Uri("/api/auth/me", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }
}

public sealed class PasswordHasherTests
{
    [Test]
    public void Hash_verifies_only_the_right_password()
    {
        var hash = PasswordHasher.Hash("secret", iterations: 1000);
        Assert.Multiple(() =>
        {
            Assert.That(PasswordHasher.Verify("secret", hash), Is.True);
            Assert.That(PasswordHasher.Verify("Secret", hash), Is.False);
            Assert.That(PasswordHasher.Verify("secret", "pbkdf2-sha256$x$y$z"), Is.False);
            Assert.That(PasswordHasher.Verify("secret", "garbage"), Is.False);
        });
    }
}
