using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.Operations;

/// <summary>
/// <c>/metrics</c> after a real call through the in-process server: valid Prometheus text, the SIP, RTP and
/// contact-centre families there with the right types, and the call counters moved by the call.
/// </summary>
[NonParallelizable]
public sealed class MetricsTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task Scrape_after_a_call_is_valid_prometheus_text_and_the_call_counters_moved()
    {
        await using var server = new CallServerFixture(useRedis: false);
        using var http = server.Factory.CreateClient();
        var before = await ScrapeAsync(http);
        double Answered(PrometheusText s) => s.Value("telephony_calls_ended_total", ("outcome", "answered")) ?? 0;
        double Within(PrometheusText s) => s.Value("telephony_calls_answered_within_15s_total") ?? 0;

        var (_, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, 500, "+861700");
        await Task.Delay(500);
        var during = await ScrapeAsync(http);
        Assert.That(during.Value("telephony_calls_active", ("phase", "connected")), Is.GreaterThanOrEqualTo(1), "the call shows as connected");
        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));

        // The seat gauges come from a sample every Metrics:SampleSeconds (5 s): wait for one after the login.
        PrometheusText after;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            await Task.Delay(500);
            after = await ScrapeAsync(http);
        }
        while ((after.Value("telephony_seats", ("state", "loggedout")) is null || Answered(after) < Answered(before) + 1) && DateTime.UtcNow < deadline);

        Assert.That(Answered(after), Is.EqualTo(Answered(before) + 1), "telephony_calls_ended_total{outcome=answered} moved by the call");
        Assert.That(Within(after), Is.EqualTo(Within(before) + 1), "answered within 15 s");
        Assert.That(after.Value("sip_messages_received_total", ("kind", "request")), Is.GreaterThan(before.Value("sip_messages_received_total", ("kind", "request")) ?? 0));
        Assert.That(after.Value("telephony_rtp_packets_received_total"), Is.GreaterThan(before.Value("telephony_rtp_packets_received_total") ?? 0));
        var types = new Dictionary<string, string>
        {
            ["telephony_calls_ended_total"] = "counter",
            ["telephony_calls_answered_within_15s_total"] = "counter",
            ["telephony_calls_active"] = "gauge",
            ["telephony_node_draining"] = "gauge",
            ["telephony_seats"] = "gauge",
            ["telephony_queue_depth"] = "gauge",
            ["telephony_queue_longest_wait_seconds"] = "gauge",
            ["telephony_calls_refused_overload_total"] = "counter",
            ["telephony_queue_refused_full_total"] = "counter",
            ["telephony_queue_overflows_total"] = "counter",
            ["telephony_queue_max_wait_ended_total"] = "counter",
            ["sip_messages_received_total"] = "counter",
            ["sip_transactions_active"] = "gauge",
            ["telephony_rtp_packets_received_total"] = "counter",
        };
        foreach (var (name, type) in types)
        {
            var family = after.Types.Keys.FirstOrDefault(f => f == name || name == f + "_total");
            Assert.That(family, Is.Not.Null, $"{name} exported; families: {string.Join(", ", after.Types.Keys)}");
            Assert.That(after.Types[family!], Is.EqualTo(type), name);
        }
        Assert.That(after.Value("telephony_node_draining"), Is.Zero);
        Assert.That(after.Value("telephony_seats", ("state", "loggedout")), Is.Not.Null);
        Assert.That(after.Value("telephony_queue_depth", ("queue", "english")), Is.Zero, "nobody waiting after the call");
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return PrometheusText.Parse(text);
        }
        catch (FormatException e)
        {
            Assert.Fail(e.Message + "\n" + text);
            throw;
        }
    }
}
