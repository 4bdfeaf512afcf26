namespace Telephony.Server.Tests.Cases;

/// <summary>
/// Issue 10, finding 8: names and addresses took control and text-direction characters (forged CSV and
/// log lines, reordered text for a supervisor), and the anonymous web form sent an SMS to any number as
/// often as the per-address budget allowed (many addresses: no limit).
/// </summary>
[CancelAfter(60_000)]
public sealed class IntakeInputTests
{
    private static Uri U(string path) => new(path, UriKind.Relative);

    [TestCase("name", "Zhang\u202Eevil")]
    [TestCase("name", "Zhang\r\nforged,row")]
    [TestCase("location", "Main St\u2066 5")]
    [TestCase("description", "broken lamp\u0007")]
    [TestCase("description", "broken lamp\u200F")]
    public async Task The_web_form_refuses_control_and_bidi_characters_by_field(string field, string value)
    {
        await using var server = new TelephonyTestServer();
        using var citizen = server.Factory.CreateClient();
        var form = new Dictionary<string, string> { ["category"] = "Suggestion", ["description"] = "more benches", [field] = value };
        using var r = await citizen.PostAsJsonAsync(U("/api/public/cases"), form);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await r.Content.ReadAsStringAsync());
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(field));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("text-direction"));
    }

    [Test]
    public async Task Line_breaks_stay_allowed_in_a_description_and_case_fields_are_checked_on_the_staff_api_too()
    {
        await using var server = new TelephonyTestServer();
        using var citizen = server.Factory.CreateClient();
        using var multiLine = await citizen.PostAsJsonAsync(U("/api/public/cases"), new { category = "Suggestion", description = "line one\r\nline two\tend" });
        Assert.That(multiLine.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        using var agent = server.Factory.CreateClient();
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "agent1001", "demo-agent-1001"));
        using var r = await agent.PostAsJsonAsync(U("/api/cases"), new { channel = "Phone", category = "Complaint", description = "noise", citizenName = "Li\u202Dx" });
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString(), Is.EqualTo("citizenName"));
    }

    [Test]
    public async Task The_web_form_acknowledges_one_number_only_so_often_whatever_the_address()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            TestServices = Security.TestRemoteAddress.Install,
            Settings = new Dictionary<string, string> { ["RateLimit:SmsPerNumberPerHour"] = "3", ["RateLimit:AnonymousPerMinute"] = "1000" },
        });
        using var client = server.Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        // The same phone written four ways, each time from another address.
        string[] phones = ["13911112222", "+86 139 1111 2222", "139-1111-2222", "13911112222", "13911112222"];
        for (var i = 0; i < phones.Length; i++)
        {
            statuses.Add(await Submit(client, phones[i], $"198.51.100.{i + 1}"));
        }
        Assert.That(statuses, Is.EqualTo(new[]
        {
            HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
        }));
        Assert.That(await File.ReadAllLinesAsync(server.SmsOutbox), Has.Length.EqualTo(3), "three acknowledgements sent, no more");
        Assert.That(await Submit(client, "13822223333", "198.51.100.99"), Is.EqualTo(HttpStatusCode.Accepted), "another number is not affected");
    }

    private static async Task<HttpStatusCode> Submit(HttpClient client, string phone, string remote)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, U("/api/public/cases"))
        {
            Content = JsonContent.Create(new { category = "Suggestion", description = "more benches", phone }),
        };
        request.Headers.Add(Security.TestRemoteAddress.Header, remote);
        using var r = await client.SendAsync(request);
        return r.StatusCode;
    }
}
