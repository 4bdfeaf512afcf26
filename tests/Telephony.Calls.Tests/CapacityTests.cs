namespace Telephony.Calls.Tests;

/// <summary>Issue 10: past the node's media capacity a new call gets a clean, stateless 503 (with Retry-After), and capacity freed is used again.</summary>
[NonParallelizable]
public sealed class CapacityTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Without_a_free_media_port_pair_an_INVITE_is_refused_before_a_call_exists()
    {
        await using var server = await CallsFixture.StartAsync(mediaPortMax: 18001); // one RTP/RTCP pair
        var first = await server.CitizenAsync(500, "citizen1");
        var second = await server.CitizenAsync(600, "citizen2");

        var answered = await first.Ua.CallAsync(server.Uri("12345"), first.Offer());
        await answered.NextAsync<CallEstablished>();
        var refused = await second.Ua.CallAsync(server.Uri("12345"), second.Offer());
        var ended = await refused.NextAsync<CallEnded>();

        Assert.That(ended.StatusCode, Is.EqualTo(503));
        Assert.That(server.Ua.OverloadRefusals, Is.EqualTo(1L), "refused by the user agent's gate (stateless, with Retry-After), not after a dialog was made");
        Assert.That(server.Calls.ActiveCalls, Is.EqualTo(1));

        await answered.HangupAsync();
        await server.RecordAsync(answered.CallId);
        var again = await second.Ua.CallAsync(server.Uri("12345"), second.Offer());
        await again.NextAsync<CallEstablished>();
        await again.HangupAsync();
    }
}
