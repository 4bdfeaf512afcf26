using Telephony.Ivr;

namespace Telephony.Server.Tests.Calls;

/// <summary>IVR script reload through the admin endpoint, and the call manager's guards (bad SDP, trunk policy).</summary>
[NonParallelizable]
public sealed class ScriptReloadAndGuardTests
{
    private static string CopyScripts()
    {
        var source = Path.GetDirectoryName(Telephony.Server.Hosting.ServerPaths.FindUpwards("ivr-scripts/12345.yaml", AppContext.BaseDirectory))!;
        var target = Directory.CreateTempSubdirectory("ivr-copy-").FullName;
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_broken_script_is_refused_with_file_line_col_and_the_old_one_keeps_serving()
    {
        var dir = CopyScripts();
        var script = Path.Combine(dir, "12345.yaml");
        try
        {
            await using var server = new CallServerFixture(useRedis: false, ivrScript: script);
            var provider = server.Service<IvrScriptProvider>();
            var before = provider.Current;
            Assert.That(before, Is.Not.Null);

            var text = await File.ReadAllTextAsync(script);
            var broken = text.Replace("    - goto: greeting\n", "    - goto: no-such-node\n", StringComparison.Ordinal);
            Assert.That(broken, Is.Not.EqualTo(text));
            await File.WriteAllTextAsync(script, broken);
            var line = broken[..broken.IndexOf("no-such-node", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

            using var client = server.Factory.CreateClient();
            using var anonymous = await client.PostAsync(new Uri("/api/ivr/reload", UriKind.Relative), null);
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "agent1049", "demo-agent-1049"));
            using (var agent = await client.PostAsync(new Uri("/api/ivr/reload", UriKind.Relative), null))
            {
                Assert.That(agent.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            }
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "admin", "demo-admin"));
            using var refused = await client.PostAsync(new Uri("/api/ivr/reload", UriKind.Relative), null);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.That(errors, Has.Some.Match($@"12345\.yaml:{line}:\d+: error: .*no-such-node"));
            Assert.That(provider.Current, Is.SameAs(before), "the old script stays in service");

            // The old script still serves a call: 9 leads to the English queue.
            var citizen = await server.CitizenAsync(500);
            var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
            citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
            await Task.Delay(200);
            await call.SendDtmfAsync('9');
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (server.Calls.PhaseOf(call.CallId) != CallPhase.Queued && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Queued));
            await call.HangupAsync();
            Assert.That((await server.RecordAsync(call.CallId)).Queue, Is.EqualTo("english"));

            // Fixed again: the reload goes through.
            await File.WriteAllTextAsync(script, text);
            using var accepted = await client.PostAsync(new Uri("/api/ivr/reload", UriKind.Relative), null);
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(provider.Current, Is.Not.SameAs(before));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task An_offer_we_cannot_use_gets_488_and_no_call_is_left_behind()
    {
        await using var server = new CallServerFixture(useRedis: false);
        await using var citizen = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:citizen@127.0.0.1" });
        var video = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 40000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
        var call = await citizen.CallAsync(server.Uri("12345"), video);
        Assert.That((await call.Completion).StatusCode, Is.EqualTo(488));
        var garbage = await citizen.CallAsync(server.Uri("12345"), "this is not SDP");
        Assert.That((await garbage.Completion).StatusCode, Is.EqualTo(488));
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Only_trunk_sources_reach_the_service_number_and_nobody_unauthenticated_reaches_an_outside_number()
    {
        await using var server = new CallServerFixture(useRedis: false, trunkSources: "192.0.2.0/24");
        await using var citizen = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:citizen@127.0.0.1" });
        var offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
        var notTrunk = await citizen.CallAsync(server.Uri("12345"), offer);
        Assert.That((await notTrunk.Completion).StatusCode, Is.EqualTo(403));
        foreach (var outside in new[] { "0085212345678", "+14155550100", "12348" })
        {
            var fraud = await citizen.CallAsync(server.Uri(outside), offer);
            Assert.That((await fraud.Completion).StatusCode, Is.EqualTo(407), outside);
        }
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }

    [Test]
    public void The_trunk_policy_admits_only_listed_sources_and_dials_out_only_through_the_trunk()
    {
        var policy = new TrunkPolicy(new TrunkOptions { AllowedSources = "127.0.0.0/8, 203.0.113.7, 2001:db8::/32", OutboundUri = "sip:{number}@carrier.example" }, ["12345"]);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("127.1.2.3")), Is.True);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("203.0.113.7")), Is.True);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("203.0.113.8")), Is.False);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("::ffff:127.0.0.1")), Is.True);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("2001:db8::5")), Is.True);
        Assert.That(policy.IsAllowedSource(IPAddress.Parse("2001:db9::5")), Is.False);

        // Which numbers may go out is the dial plan's decision (DialPlanTests); the policy only knows the trunk.
        Assert.That(policy.OutboundUri("12348"), Is.EqualTo("sip:12348@carrier.example"));
        Assert.That(new TrunkPolicy(new TrunkOptions(), ["12345"]).OutboundUri("12348"), Is.Null, "no outbound trunk configured");
        Assert.That(() => new TrunkPolicy(new TrunkOptions { AllowedSources = "10.0.0.0/40" }, []), Throws.TypeOf<FormatException>());
    }
}
