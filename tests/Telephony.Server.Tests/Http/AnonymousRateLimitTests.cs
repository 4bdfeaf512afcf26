namespace Telephony.Server.Tests.Http;

public sealed class AnonymousRateLimitTests
{
    [Test]
    public async Task Web_form_flood_from_one_address_is_refused_with_429_problem()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["Cases:Provider"] = "sqlite", ["RateLimit:AnonymousPerMinute"] = "3" },
        });
        using var client = server.Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var r = await client.PostAsJsonAsync(new Uri("/api/public/cases", UriKind.Relative),
                new { category = "Suggestion", description = $"idea {i}" });
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Multiple(() =>
                {
                    Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
                    Assert.That(r.Headers.RetryAfter, Is.Not.Null);
                });
            }
        }

        Assert.That(statuses, Is.EqualTo(new[]
        {
            HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
        }));
    }
}
