using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Telephony.Server.Tests;

public sealed class HealthTests
{
    [Test]
    public async Task Healthz_answers_ok()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
