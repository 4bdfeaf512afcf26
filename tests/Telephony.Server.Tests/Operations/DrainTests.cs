using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Cases;
using Telephony.Testing.Calls;

namespace Telephony.Server.Tests.Operations;

/// <summary>
/// The graceful stop of a real server process: SIGTERM (what <c>systemctl stop</c> sends) with two calls up. The node
/// is at once not ready and answers new INVITEs with a stateless 503 and Retry-After; a call that ends by itself during
/// the drain keeps its own outcome; the one still up when <c>Calls:DrainTimeoutSeconds</c> runs out is ended by the
/// node (BYE to the citizen and to the far end) with the outcome drained; the log tells the drain; the process exits 0.
/// </summary>
[NonParallelizable]
public sealed class DrainTests
{
    private const int DrainSeconds = 5;

    [Test]
    [CancelAfter(180_000)]
    public async Task Sigterm_refuses_new_calls_lets_calls_finish_and_ends_the_rest_as_drained()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-drain-").FullName;
        try
        {
            await using var phones = PhoneMedia.Start(29100, 29199);
            await using var partner = await TestPhone.StartAsync("sip:12348@127.0.0.1", 1400, phones);
            partner.AutoAnswer();
            var store = new SqlCaseStore(SqlDialect.Sqlite, $"Data Source={Path.Combine(folder, "cases.db")}", NullLogger<SqlCaseStore>.Instance);
            await using var server = await TelephonyServerProcess.StartAsync(Settings(folder, partner.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port));
            await using var citizenA = await TestPhone.StartAsync("sip:citizen-a@127.0.0.1", 500, phones);
            await using var citizenB = await TestPhone.StartAsync("sip:citizen-b@127.0.0.1", 600, phones);
            var (finishing, _) = await ConnectAsync(citizenA, partner, server.SipPort);
            var (lasting, lastingFar) = await ConnectAsync(citizenB, partner, server.SipPort);

            var sigterm = DateTime.UtcNow;
            await server.TerminateAsync();
            await server.WaitForOutputAsync("Drain began", TimeSpan.FromSeconds(10));
            Assert.That(server.Output, Does.Contain("2 call(s) in progress may finish within 5 s"));

            using var http = new HttpClient { BaseAddress = server.Http };
            using (var ready = await http.GetAsync(new Uri("healthz/ready", UriKind.Relative)))
            {
                var body = await ready.Content.ReadAsStringAsync();
                Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
                Assert.That(body, Does.Contain("draining since"));
            }
            var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
            Assert.That(metrics.Value("telephony_node_draining"), Is.EqualTo(1), "the drain shows in the metrics");

            var refusal = await RawInviteAsync(server.SipPort);
            Assert.That(refusal, Does.StartWith("SIP/2.0 503 "), refusal);
            Assert.That(refusal, Does.Contain("\r\nRetry-After: 30\r\n"), refusal);

            // A call that ends by itself during the drain keeps its own outcome.
            await finishing.HangupAsync();
            var finished = await store.WaitForRecordAsync(finishing.CallId, r => !r.Live, "the finished call's record", TimeSpan.FromSeconds(10));
            Assert.That(finished.Outcome, Is.EqualTo(CallOutcome.Transferred.ToText()));
            await server.WaitForOutputAsync("Draining: 1 call(s) still in progress", TimeSpan.FromSeconds(10));

            // The other is ended by the node when the drain time is over: a BYE on both legs.
            var ended = await lasting.NextAsync<CallEnded>(TimeSpan.FromSeconds(DrainSeconds + 15));
            var cutAfter = (DateTime.UtcNow - sigterm).TotalSeconds;
            Assert.That(ended.Reason, Is.EqualTo(CallEndReason.RemoteHangup));
            Assert.That(cutAfter, Is.GreaterThanOrEqualTo(DrainSeconds - 0.5), "not before the drain time");
            Assert.That((await lastingFar.NextAsync<CallEnded>(TimeSpan.FromSeconds(5))).Reason, Is.EqualTo(CallEndReason.RemoteHangup), "the far end got its BYE");

            Assert.That(await server.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, server.Output);
            var drained = await store.WaitForRecordAsync(lasting.CallId, r => !r.Live, "the drained call's record", TimeSpan.FromSeconds(5));
            Assert.That(drained.Outcome, Is.EqualTo("drained"), server.Output);
            Assert.That(server.Output, Does.Contain("1 call(s) finished, 1 ended by the node (outcome drained), 1 new call(s) refused"));
            TestContext.Out.WriteLine(FormattableString.Invariant($"the lasting call was ended {cutAfter:F1} s after SIGTERM"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A citizen's call to 12345, handed by the IVR to the partner hotline; returns both connected legs.</summary>
    private static async Task<(SipCall Citizen, SipCall Far)> ConnectAsync(TestPhone citizen, TestPhone partner, int sipPort)
    {
        var call = await citizen.Ua.CallAsync($"sip:12345@127.0.0.1:{sipPort}", citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>(TimeSpan.FromSeconds(20))).RemoteSdp);
        var far = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await far.NextAsync<CallEstablished>(TimeSpan.FromSeconds(10));
        return (call, far);
    }

    /// <summary>A bare INVITE over UDP, so the test sees the refusal exactly as sent (status line, Retry-After).</summary>
    private static async Task<string> RawInviteAsync(int port)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var invite = $"INVITE sip:12345@127.0.0.1:{port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK-drain-probe;rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:citizen-c@127.0.0.1>;tag=drain-probe\r\n" +
            "To: <sip:12345@127.0.0.1>\r\n" +
            "Call-ID: drain-probe@127.0.0.1\r\n" +
            "CSeq: 1 INVITE\r\n" +
            $"Contact: <sip:citizen-c@127.0.0.1:{local}>\r\n" +
            "Content-Length: 0\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(invite);
        await udp.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var text = Encoding.ASCII.GetString((await udp.ReceiveAsync(timeout.Token)).Buffer);
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return text; // the final response (a 100 Trying may come first)
            }
        }
    }

    private static Dictionary<string, string> Settings(string folder, int partnerPort)
    {
        var settings = TransferNodeSettings.Create(folder, partnerPort, 29000, 29099);
        settings["Calls:DrainTimeoutSeconds"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}
