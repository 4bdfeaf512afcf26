namespace Telephony.Calls.Tests;

/// <summary>IVR transfers to a partner hotline through the outbound trunk (a test phone plays the partner).</summary>
[NonParallelizable]
public sealed class TransferTests
{
    private const double CallerHz = 500;
    private const double PartnerHz = 1400;

    /// <summary>A one-node script: transfer to 12348, on failure say goodbye and hang up.</summary>
    private static string WriteScript() => Telephony.Testing.Calls.TransferScript.WriteTo(Directory.CreateTempSubdirectory("ivr-transfer-").FullName);

    [Test]
    [CancelAfter(60_000)]
    public async Task The_ivr_hands_the_caller_to_the_partner_hotline_and_they_talk()
    {
        var script = WriteScript();
        await using var partnerMedia = PhoneMedia.Start(18400, 18599);
        await using var partner = await TestPhone.StartAsync("sip:12348@127.0.0.1", PartnerHz, partnerMedia);
        var port = partner.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(ivrScript: script, trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
        partner.AutoAnswer();
        var citizen = await server.CitizenAsync(CallerHz);

        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        var partnerCall = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)partnerCall.Invite.RequestUri).User, Is.EqualTo("12348"));
        await partnerCall.NextAsync<CallEstablished>();
        await Task.Delay(300);
        citizen.Listening = true;
        partner.Listening = true;
        await Task.Delay(1500);
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected));
        await call.HangupAsync();
        await partnerCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();

        Assert.That(ToneCheck.Dominates(citizen.Received(), PartnerHz, CallerHz), Is.True, "the caller hears the partner");
        Assert.That(ToneCheck.Dominates(partner.Received(), CallerHz, PartnerHz), Is.True, "the partner hears the caller");
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.Queue), Is.EqualTo(("transferred", (string?)null)));
        Assert.That(record.IvrPath, Does.Contain("transfer:12348"));
        Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_busy_partner_sends_the_caller_on_at_on_fail()
    {
        var script = WriteScript();
        await using var partner = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:12348@127.0.0.1" });
        var port = partner.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(ivrScript: script, trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
        var busy = Task.Run(async () => await (await partner.IncomingCalls.ReadAsync()).RejectAsync(486));
        var citizen = await server.CitizenAsync(CallerHz);

        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await busy.WaitAsync(TimeSpan.FromSeconds(10));
        var ended = await call.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(15));
        Assert.That(ended.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup), "goodbye, then we hang up");
        var record = await server.RecordAsync(call.CallId);
        Assert.That(record.Outcome, Is.EqualTo("ivr"));
        Assert.That(record.IvrPath, Does.Contain("transfer:12348:failed"));
        Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
    }
}
