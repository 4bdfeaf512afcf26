namespace Telephony.Interop.Tests.Sip;

/// <summary>kamailio 5.6 as a record-routing proxy between our UAC and our UAS: in-dialog requests follow the route set (loose routing).</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class KamailioInteropTests
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 26700 RTP/AVP 0\r\n";

    [TestCase("udp", 25500, 25510)]
    [TestCase("tcp", 25520, 25530)]
    public async Task Calls_through_a_record_routing_proxy_use_loose_routing(string transport, int proxyPort, int uasPort)
    {
        await using var uas = await SipUserAgent.StartAsync($"udp:127.0.0.1:{uasPort},tcp:127.0.0.1:{uasPort}", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        await using var uac = await SipUserAgent.StartAsync("udp:127.0.0.1:0,tcp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:alice@127.0.0.1" });
        var runDir = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var cfg = Path.Combine(runDir, "kamailio.cfg");
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Sip", "kamailio.cfg"));
        await File.WriteAllTextAsync(cfg, template
            .Replace("PROXY_PORT", proxyPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("UAS_PORT", uasPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var kamailio = PeerProcess.Start("kamailio", ["-f", cfg, "-DD", "-E", "-m", "64", "-M", "8", "-Y", runDir, "-w", runDir]);
        try
        {
            var suffix = transport == "tcp" ? ";transport=tcp" : "";
            var proxy = $"sip:bob@127.0.0.1:{proxyPort}{suffix}";
            await WaitForProxyAsync(uac, proxy, kamailio);

            var call = await uac.CallAsync(proxy, Sdp);
            var incoming = await uas.IncomingCalls.ReadAsync();
            Assert.That(incoming.Invite.GetHeader("Record-Route"), Does.Contain($"127.0.0.1:{proxyPort}").And.Contain(";lr"));
            await incoming.AcceptAsync(Sdp);
            await BaresipInteropTests.NextAsync<CallEstablished>(call);
            await BaresipInteropTests.NextAsync<CallEstablished>(incoming);

            // UAC → UAS in-dialog: Request-URI = UAS contact, Route = the proxy (loose routing).
            Assert.That((await call.SendDtmfAsync('5')).StatusCode, Is.EqualTo(200));
            Assert.That((await BaresipInteropTests.NextAsync<DtmfReceived>(incoming)).Digit, Is.EqualTo('5'));
            // UAS → UAC in-dialog, along the route set in Record-Route order.
            Assert.That((await incoming.SendInfoAsync("text/plain", "x"u8.ToArray())).StatusCode, Is.EqualTo(200));
            await BaresipInteropTests.NextAsync<InfoReceived>(call);

            await call.HangupAsync();
            Assert.That((await incoming.Completion).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
            Assert.That(await kamailio.WaitForAsync("loose-routed BYE", TimeSpan.FromSeconds(5)), Is.True, kamailio.Output);
            Assert.That(kamailio.Output, Does.Contain("loose-routed INFO").And.Contain("loose-routed ACK"));
        }
        finally
        {
            kamailio.Kill();
            Directory.Delete(runDir, recursive: true);
        }
    }

    private static async Task WaitForProxyAsync(SipUserAgent uac, string proxy, PeerProcess kamailio)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (kamailio.HasExited)
            {
                Assert.Fail("kamailio exited: " + kamailio.Output);
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                if ((await uac.OptionsAsync(proxy, cts.Token)).StatusCode == 200)
                {
                    return;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SipTransportException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        Assert.Fail("kamailio did not come up: " + kamailio.Output);
    }
}
