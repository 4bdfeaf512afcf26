using Telephony.Server.Tests.Sip;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// Calls refused for capacity (stateless 503 at Sip:MaxCalls) have no record of their own, but the KPI report
/// counts them as offered and not connected, from per-minute counts the node writes in the background.
/// </summary>
[NonParallelizable]
public sealed class OverloadRefusalKpiTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_burst_over_MaxCalls_is_refused_and_counted_as_offered_in_the_kpis()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Sip:MaxCalls"] = "2",
                ["Calls:RefusalFlushSeconds"] = "1",
                ["Calls:RtpPortMin"] = "16000",
                ["Calls:RtpPortMax"] = "16399",
            },
        });
        await using var phones = PhoneMedia.Start(16400, 16599);
        var start = DateTimeOffset.UtcNow;
        var port = server.SipPort();

        // Two citizens hold the two places (in the IVR).
        var held = new List<TestPhone>();
        foreach (var name in new[] { "citizen-a", "citizen-b" })
        {
            var phone = await TestPhone.StartAsync($"sip:{name}@127.0.0.1", 500, phones);
            held.Add(phone);
            var call = await phone.Ua.CallAsync(server.Uri("12345"), phone.Offer());
            phone.ApplyAnswer((await call.NextAsync<CallEstablished>(TimeSpan.FromSeconds(10))).RemoteSdp);
        }

        // Ten more arrive at once: each is refused, and one refusal's retransmission is not a second call.
        using var raw = new RawUdp();
        string? first = null;
        for (int i = 0; i < 10; i++)
        {
            var invite = raw.Request("INVITE", "12345", port, $"burst-{i}-{Guid.NewGuid():N}");
            first ??= invite;
            var answer = await raw.RequestAsync(invite, port);
            Assert.That(answer.StatusCode, Is.EqualTo(503), $"INVITE {i}");
        }
        Assert.That((await raw.RequestAsync(first!, port)).StatusCode, Is.EqualTo(503), "the retransmission");
        Assert.That(server.Sip.UserAgent.OverloadRefusals, Is.EqualTo(11));

        using var supervisor = server.Factory.CreateClient();
        using (var login = await supervisor.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = "supervisor", password = "demo-supervisor" }))
        {
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
            supervisor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var from = Uri.EscapeDataString(start.AddMinutes(-2).ToString("O"));
        var to = Uri.EscapeDataString(start.AddMinutes(2).ToString("O"));
        JsonElement kpis = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            kpis = await supervisor.GetFromJsonAsync<JsonElement>(new Uri($"/api/kpis?from={from}&to={to}", UriKind.Relative));
            if (kpis.GetProperty("callsRefused").GetInt64() >= 10 && kpis.GetProperty("callsOffered").GetInt64() >= 12)
            {
                break;
            }
        }
        Assert.That((kpis.GetProperty("callsRefused").GetInt64(), kpis.GetProperty("callsOffered").GetInt64(), kpis.GetProperty("callsAnswered").GetInt64()),
            Is.EqualTo((10L, 12L, 0L)), "ten refused plus the two live calls offered; none connected");
        Assert.That(kpis.GetProperty("answerRate").GetProperty("denominator").GetInt64(), Is.EqualTo(12));

        foreach (var phone in held)
        {
            await phone.DisposeAsync();
        }
    }
}
