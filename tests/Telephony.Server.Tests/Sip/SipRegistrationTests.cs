namespace Telephony.Server.Tests.Sip;

[CancelAfter(30_000)]
public sealed class SipRegistrationTests
{
    [Test]
    public async Task Registration_refreshes_at_half_the_granted_expiry_and_unregisters_on_dispose()
    {
        await using var server = new SipServerFixture();
        // The seat's endpoint runs on fake time: the refresh is an entry in its shared timer queue.
        var clock = new FakeTimeProvider();
        await using var seat = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions
        {
            LocalUri = "sip:1002@test.local", Username = "1002", Password = "pw-1002",
        }, time: clock);
        var registrar = server.Uri("x").Replace("x@", "", StringComparison.Ordinal);
        var registration = await SipRegistration.StartAsync(seat, registrar, expires: 120);
        Assert.That((registration.IsRegistered, registration.GrantedExpires, registration.Refreshes), Is.EqualTo((true, 120, 1)));
        var first = (await server.Locations.GetBindingsAsync("sip:1002@test.local")).Single();

        clock.Advance(TimeSpan.FromSeconds(61));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (registration.Refreshes < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.That(registration.Refreshes, Is.EqualTo(2));
        var refreshed = (await server.Locations.GetBindingsAsync("sip:1002@test.local")).Single();
        Assert.That(refreshed.CSeq, Is.GreaterThan(first.CSeq));

        await registration.DisposeAsync();
        Assert.That(await server.Locations.GetBindingsAsync("sip:1002@test.local"), Is.Empty);
    }
}
