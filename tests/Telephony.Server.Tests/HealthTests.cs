namespace Telephony.Server.Tests;

public sealed class HealthTests
{
    [Test]
    public async Task Healthz_answers_ok()
    {
        await using var server = new TelephonyTestServer();
        using var client = server.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
