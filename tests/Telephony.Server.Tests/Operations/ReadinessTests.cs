namespace Telephony.Server.Tests.Operations;

/// <summary>
/// <c>/healthz/live</c> and <c>/healthz/ready</c>: ready when SIP, Redis, the database, the script and the drain are all
/// fine; not ready, with the failing check's reason in the JSON body, while draining and while Redis is unreachable.
/// </summary>
[NonParallelizable]
public sealed class ReadinessTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Ready_when_sip_redis_database_and_script_are_up()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions { Redis = true });
        using var client = server.Factory.CreateClient();
        var (status, body) = await GetAsync(client, "/healthz/ready");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        foreach (var check in new[] { "sip", "redis", "database", "script", "drain" })
        {
            Assert.That(Check(body, check).Status, Is.EqualTo("Healthy"), check);
        }
        Assert.That(Check(body, "redis").Description, Does.StartWith("PING"), "Redis was asked, not assumed");
        Assert.That((await GetAsync(client, "/healthz/live")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(client, "/healthz")).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Not_ready_while_draining_but_still_live()
    {
        await using var server = new TelephonyTestServer();
        using var client = server.Factory.CreateClient();
        Assert.That((await GetAsync(client, "/healthz/ready")).Status, Is.EqualTo(HttpStatusCode.OK));

        server.Service<NodeDrain>().Begin();
        var (status, body) = await GetAsync(client, "/healthz/ready");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(Check(body, "drain"), Is.EqualTo(("Unhealthy", Check(body, "drain").Description)));
        Assert.That(Check(body, "drain").Description, Does.Contain("draining since"));
        Assert.That(Check(body, "sip").Status, Is.EqualTo("Healthy"), "only the drain is named");
        Assert.That((await GetAsync(client, "/healthz/live")).Status, Is.EqualTo(HttpStatusCode.OK), "a draining process is alive");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Not_ready_while_redis_is_unreachable_and_ready_again_when_it_returns()
    {
        var redis = IPEndPoint.Parse(TelephonyTestServerOptions.RedisEndPoint);
        await using var relay = new TcpRelay(redis);
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Redis = true,
            Settings = new Dictionary<string, string> { ["ContactCenter:Redis"] = relay.EndPoint + ",connectTimeout=1000,connectRetry=1" },
        });
        using var client = server.Factory.CreateClient();
        Assert.That((await GetAsync(client, "/healthz/ready")).Status, Is.EqualTo(HttpStatusCode.OK));

        relay.Cut();
        var (status, body) = await GetAsync(client, "/healthz/ready");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToString());
        Assert.That(Check(body, "redis").Status, Is.EqualTo("Unhealthy"));
        Assert.That(Check(body, "redis").Description, Does.StartWith("Redis unreachable"));
        Assert.That(Check(body, "database").Status, Is.EqualTo("Healthy"), "only Redis is named");

        relay.Restore();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await GetAsync(client, "/healthz/ready")).Status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.That((await GetAsync(client, "/healthz/ready")).Status, Is.EqualTo(HttpStatusCode.OK), "ready again once Redis answers");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static (string? Status, string? Description) Check(JsonElement body, string name)
    {
        var check = body.GetProperty("checks").GetProperty(name);
        return (check.GetProperty("status").GetString(), check.GetProperty("description").GetString());
    }
}
