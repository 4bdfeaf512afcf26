namespace Telephony.Interop.Tests.Sip;

/// <summary>baresip 1.0 against our registrar, our UAS and our UAC, over UDP and TCP.</summary>
[CancelAfter(60_000)]
[NonParallelizable]
public sealed class BaresipInteropTests
{
    private const string AnswerSdp =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 26500 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";

    private static string Suffix(SipTransportProtocol p) => p == SipTransportProtocol.Tcp ? ";transport=tcp" : "";

    [TestCase(SipTransportProtocol.Udp, 25100)]
    [TestCase(SipTransportProtocol.Tcp, 25110)]
    public async Task Baresip_registers_with_digest_and_is_found_in_the_location_store(SipTransportProtocol protocol, int port)
    {
        await using var server = await InteropServer.StartAsync();
        var serverPort = server.Port(protocol);
        using var baresip = Baresip.Start(port, port + 5, 26000, $"<sip:1001@127.0.0.1:{serverPort}{Suffix(protocol)}>;auth_pass={InteropServer.Password1001};regint=600", 20);
        Assert.That(await baresip.WaitForAsync("200 OK", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
        var bindings = await server.Locations.GetBindingsAsync("sip:1001@telephony.local");
        Assert.That(bindings, Has.Count.EqualTo(1), baresip.Output);
        Assert.That(bindings[0].ContactUri, Does.Contain($"127.0.0.1:{port}"));
        Assert.That(bindings[0].Source, Does.StartWith(protocol == SipTransportProtocol.Tcp ? "tcp:" : "udp:"));
    }

    [Test]
    public async Task Baresip_with_a_wrong_password_is_not_registered()
    {
        await using var server = await InteropServer.StartAsync();
        using var baresip = Baresip.Start(25120, 25125, 26020, $"<sip:1001@127.0.0.1:{server.Port(SipTransportProtocol.Udp)}>;auth_pass=wrong;regint=600", 8);
        // baresip retries the wrong credentials at once; after a few the source is banned (403).
        Assert.That(await baresip.WaitForAsync("reg: ", TimeSpan.FromSeconds(8)), Is.True, baresip.Output);
        await baresip.Process.WaitForExitAsync(TimeSpan.FromSeconds(12));
        Assert.That(baresip.Output, Does.Not.Contain("200 OK"));
        Assert.That(baresip.Output, Does.Contain("401").Or.Contain("403"));
        Assert.That(await server.Locations.GetBindingsAsync("sip:1001@telephony.local"), Is.Empty);
    }

    [TestCase(SipTransportProtocol.Udp, 25130)]
    [TestCase(SipTransportProtocol.Tcp, 25140)]
    public async Task Baresip_calls_our_uas_and_the_call_sets_up_and_tears_down(SipTransportProtocol protocol, int port)
    {
        await using var uas = await SipUserAgent.StartAsync("udp:127.0.0.1:0,tcp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        var uasPort = uas.Endpoint.LocalEndPoints.First(e => e.Protocol == protocol).EndPoint.Port;
        using var baresip = Baresip.Start(port, port + 5, 26040, $"<sip:citizen@127.0.0.1:{port}>;regint=0", 25,
            $"/dial sip:bob@127.0.0.1:{uasPort}{Suffix(protocol)}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var call = await uas.IncomingCalls.ReadAsync(cts.Token);
        Assert.That(Encoding.UTF8.GetString(call.RemoteSdp.Span), Does.Contain("m=audio"));
        await call.RingAsync();
        await call.AcceptAsync(AnswerSdp);
        await NextAsync<CallEstablished>(call);
        Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);

        await baresip.CommandAsync("/hangup");
        var ended = await call.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(ended.Reason, Is.EqualTo(CallEndReason.RemoteHangup), baresip.Output);
    }

    [TestCase(SipTransportProtocol.Udp, 25150)]
    [TestCase(SipTransportProtocol.Tcp, 25160)]
    public async Task Our_uac_calls_an_auto_answering_baresip_and_hangs_up(SipTransportProtocol protocol, int port)
    {
        await using var uac = await SipUserAgent.StartAsync("udp:127.0.0.1:0,tcp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:alice@127.0.0.1" });
        using var baresip = Baresip.Start(port, port + 5, 26060, $"<sip:agent@127.0.0.1:{port}>;regint=0;answermode=auto", 25);
        Assert.That(await baresip.WaitForAsync("baresip is ready", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
        var call = await uac.CallAsync($"sip:agent@127.0.0.1:{port}{Suffix(protocol)}", AnswerSdp.Replace("26500", "26502", StringComparison.Ordinal));
        var established = await NextAsync<CallEstablished>(call);
        Assert.That(Encoding.UTF8.GetString(established.RemoteSdp.Span), Does.Contain("m=audio"));
        Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);

        await call.HangupAsync();
        Assert.That((await call.Completion).Reason, Is.EqualTo(CallEndReason.LocalHangup));
        Assert.That(await baresip.WaitForAsync("session closed", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
    }

    internal static async Task<T> NextAsync<T>(SipCall call) where T : CallEvent
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var e = await call.Events.ReadAsync(cts.Token);
            if (e is T t)
            {
                return t;
            }
            if (e is CallEnded ended)
            {
                throw new InvalidOperationException($"call ended while waiting for {typeof(T).Name}: {ended}");
            }
        }
    }
}
