using Telephony.ContactCenter.Events;
using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>The softphone core (<see cref="AgentClient"/>) against our real server on 127.0.0.1.</summary>
[CancelAfter(60_000)]
[NonParallelizable]
public sealed class AgentClientTests
{
    private SoftphoneServer _server = null!;
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new SoftphoneServer();
        _dir = Directory.CreateTempSubdirectory("softphone-test-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task Registers_its_seat_with_digest_auth_and_appears_in_the_location_store(CancellationToken ct)
    {
        var client = await AgentClient.StartAsync(_server.Agent("1001", hub: false), cancellationToken: ct);
        await using (client)
        {
            var bindings = await _server.Locations.GetBindingsAsync("sip:1001@test.local", ct);
            Assert.That(bindings.Select(b => b.ContactUri), Has.Some.EqualTo(client.Contact));
            Assert.That(client.Contact, Does.StartWith("sip:1001@127.0.0.1:"));
        }
        Assert.That(await _server.Locations.GetBindingsAsync("sip:1001@test.local", ct), Is.Empty, "unregistered (Expires: 0) on dispose");
    }

    [Test]
    public async Task Logs_in_to_the_hub_and_its_Ready_and_NotReady_are_seen_by_the_server(CancellationToken ct)
    {
        await using var client = await AgentClient.StartAsync(_server.Agent("1002"), cancellationToken: ct);
        Assert.That(client.SeatInfo!.State, Is.EqualTo(Telephony.Softphone.Core.SeatState.NotReady));
        Assert.That(await ServerState("1002"), Is.EqualTo((SeatState.NotReady, "login")));

        await client.SetReadyAsync(ct);
        Assert.That(await ServerState("1002"), Is.EqualTo((SeatState.Ready, (string?)null)));
        await client.SetNotReadyAsync("lunch", ct);
        Assert.That(await ServerState("1002"), Is.EqualTo((SeatState.NotReady, "lunch")));
        await client.LogoutAsync(ct);
        Assert.That(await ServerState("1002"), Is.EqualTo((SeatState.LoggedOut, (string?)null)));

        var seen = new List<Telephony.Softphone.Core.SeatState>();
        while (seen.Count < 4)
        {
            if (await client.Events.ReadAsync(ct) is SeatStateEvent s)
            {
                seen.Add(s.Change.State);
            }
        }
        Assert.That(seen, Is.EqualTo(new[]
        {
            Telephony.Softphone.Core.SeatState.NotReady, Telephony.Softphone.Core.SeatState.Ready,
            Telephony.Softphone.Core.SeatState.NotReady, Telephony.Softphone.Core.SeatState.LoggedOut,
        }));
    }

    private async Task<(SeatState, string?)> ServerState(string seat)
    {
        var s = await _server.Acd.Store.GetSeatAsync(seat);
        return (s!.State, s.Reason);
    }

    [Test]
    public async Task Auto_answers_a_call_to_its_registered_contact_and_audio_passes_both_ways(CancellationToken ct)
    {
        string mic = Path.Combine(_dir, "mic.wav"), heard = Path.Combine(_dir, "heard.wav"), callerHeard = Path.Combine(_dir, "caller-heard.wav");
        Wav.WriteTone(mic, 1000, 2);
        var options = _server.Agent("1003", hub: false);
        options.AutoAnswer = TimeSpan.FromMilliseconds(100);
        options.PlayFile = mic;
        options.RecordFile = heard;
        await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);

        // The caller dials the contact the server's registrar holds for the seat (the server itself still
        // answers seat-to-seat INVITEs with a 302 to exactly these contacts).
        var binding = (await _server.Locations.GetBindingsAsync("sip:1003@test.local", ct)).Single();
        await using var media = new MediaEngine(new MediaEngineOptions { PortMin = 26200, PortMax = 26299 });
        media.Start();
        await using var callerUa = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:+8613800000001@127.0.0.1" }, cancellationToken: ct);
        using var callerSink = new WavFileSink(callerHeard);
        var (dialed, error) = await OutboundCall.DialAsync(callerUa, binding.ContactUri, media, Tones.Continuous(440), callerSink, ct: ct);
        Assert.That(error, Is.Null);
        var call = dialed!;
        await using (call)
        {
            Assert.That(await call.Established.WaitAsync(TimeSpan.FromSeconds(10), ct), Is.True, $"call up ({call.Ended})");
            Assert.That(call.Media.Audio!.TelephoneEventPayloadType, Is.Not.Null, "telephone-event negotiated");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            Assert.That(call.SendDigit('9'), Is.True);
            Assert.That((await agent.Events.NextAsync<DigitEvent>(ct)).Digit, Is.EqualTo('9'), "RFC 4733 key press reached the softphone");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            await call.HangupAsync();
        }
        callerSink.Dispose();

        var finished = await agent.Events.NextAsync<CallFinishedEvent>(ct);
        Assert.That(finished.Reason, Is.EqualTo("caller hung up"));
        Assert.That(finished.Recording, Is.EqualTo(heard));
        Assert.That(finished.PacketsReceived, Is.GreaterThan(50));

        var agentHeard = ToneCheck.Audible(Wav.ReadMono(heard));
        Assert.That(agentHeard, Has.Length.GreaterThan(8000), "at least a second of the caller's tone reached the softphone's --record file");
        Assert.That(ToneCheck.DominantFrequency(agentHeard), Is.EqualTo(440).Within(15));

        var callerGot = ToneCheck.Audible(Wav.ReadMono(callerHeard));
        Assert.That(callerGot, Has.Length.GreaterThan(8000), "at least a second of the --play file reached the caller");
        Assert.That(ToneCheck.DominantFrequency(callerGot), Is.EqualTo(1000).Within(20));
    }

    // Issue 10, finding 7: the softphone answered a direct INVITE from anyone (auto-answer put a
    // stranger's audio on the agent's headset and the agent's microphone on the stranger's line).
    [Test]
    public async Task A_direct_INVITE_from_a_host_other_than_its_server_is_refused(CancellationToken ct)
    {
        var options = _server.Agent("1003", hub: false);
        options.AutoAnswer = TimeSpan.FromMilliseconds(50);
        await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);
        var binding = (await _server.Locations.GetBindingsAsync("sip:1003@test.local", ct)).Single();
        await using var media = new MediaEngine(new MediaEngineOptions { BindAddress = System.Net.IPAddress.Parse("127.0.0.7"), PortMin = 26300, PortMax = 26399 });
        media.Start();
        await using var strangerUa = await SipUserAgent.StartAsync("udp:127.0.0.7:0", new SipUserAgentOptions { LocalUri = "sip:stranger@127.0.0.7" }, cancellationToken: ct);
        var (dialed, error) = await OutboundCall.DialAsync(strangerUa, binding.ContactUri, media, Tones.Continuous(440), null, ct: ct);
        Assert.That(error, Is.Null);
        await using var call = dialed!;
        Assert.That(await call.Established.WaitAsync(TimeSpan.FromSeconds(10), ct), Is.False, "never answered");
        Assert.That(call.Ended?.StatusCode, Is.EqualTo(403));
        var notice = await agent.Events.NextAsync<NoticeEvent>(ct);
        Assert.That(notice.Message, Does.Contain("not from the server"));
    }

    [Test]
    public async Task A_screen_pop_before_the_INVITE_is_matched_to_it_with_its_lead(CancellationToken ct)
    {
        var options = _server.Agent("1001");
        options.AutoAnswer = TimeSpan.Zero;
        await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);
        var pop = new ScreenPop("acd-call-1", "1001", "1001", "+8613800000002", "12345", ["greeting", "english"], "9", "en", "en-general",
            TimeSpan.FromSeconds(3), DateTimeOffset.UtcNow);
        await _server.Notifier.PushScreenPopAsync(pop, ct);
        var shown = await agent.Events.NextAsync<ScreenPopEvent>(ct);
        Assert.That((shown.Pop.CallerNumber, shown.Pop.DialedNumber, shown.Pop.Language, shown.Pop.Queue, shown.Pop.IvrDigits),
            Is.EqualTo(("+8613800000002", "12345", "en", "en-general", "9")));
        Assert.That(shown.Pop.IvrPath, Is.EqualTo(new[] { "greeting", "english" }));

        await using var media = new MediaEngine(new MediaEngineOptions { PortMin = 26300, PortMax = 26399 });
        media.Start();
        await using var callerUa = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:b2bua@127.0.0.1" }, cancellationToken: ct);
        var (dialed, _) = await OutboundCall.DialAsync(callerUa, agent.Contact!, media, null, null, ct: ct);
        var call = dialed!;
        await using (call)
        {
            var timing = (await agent.Events.NextAsync<PopTimingEvent>(ct)).Timing;
            Assert.That(timing.PopCallId, Is.EqualTo("acd-call-1"));
            Assert.That(timing.SipCallId, Is.EqualTo(call.Call.CallId));
            Assert.That(timing.PopToInviteLead, Is.GreaterThan(TimeSpan.Zero), "the pop came first");
            Assert.That(timing.PopLatency, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(TimeSpan.FromSeconds(5)));
            var ringing = await agent.Events.NextAsync<RingingEvent>(ct);
            Assert.That(ringing.PopCallId, Is.EqualTo("acd-call-1"));
            Assert.That(await call.Established.WaitAsync(TimeSpan.FromSeconds(10), ct), Is.True);
        }
    }

    [Test]
    public async Task An_INVITE_that_overtakes_its_pop_is_matched_when_the_pop_comes_with_a_negative_lead(CancellationToken ct)
    {
        await using var agent = await AgentClient.StartAsync(_server.Agent("1002"), cancellationToken: ct); // rings, does not answer
        await using var media = new MediaEngine(new MediaEngineOptions { PortMin = 26500, PortMax = 26599 });
        media.Start();
        await using var callerUa = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:b2bua@127.0.0.1" }, cancellationToken: ct);
        var (dialed, _) = await OutboundCall.DialAsync(callerUa, agent.Contact!, media, null, null, ct: ct);
        var call = dialed!;
        await using (call)
        {
            var ringing = await agent.Events.NextAsync<RingingEvent>(ct);
            Assert.That(ringing.PopCallId, Is.Null, "no pop yet");
            await _server.Notifier.PushScreenPopAsync(new ScreenPop("acd-late", "1002", "1002", "+8613800000003", "12345", [], "", "zh", "general",
                TimeSpan.Zero, DateTimeOffset.UtcNow), ct);
            var timing = (await agent.Events.NextAsync<PopTimingEvent>(ct)).Timing;
            Assert.That((timing.PopCallId, timing.SipCallId), Is.EqualTo(("acd-late", call.Call.CallId)));
            Assert.That(timing.PopToInviteLead, Is.LessThan(TimeSpan.Zero), "the INVITE came first and the lead says so");
            Assert.That(agent.Answer(), Is.True);
            Assert.That(await call.Established.WaitAsync(TimeSpan.FromSeconds(10), ct), Is.True, "answered by command");
        }
    }

    [Test]
    public async Task A_wrong_password_is_refused_cleanly_and_the_right_one_still_works(CancellationToken ct)
    {
        var sip = _server.Agent("1001", hub: false);
        sip.SipPassword = "not-the-password";
        var sipError = Assert.ThrowsAsync<AgentStartException>(async () => await AgentClient.StartAsync(sip, cancellationToken: ct));
        Assert.That(sipError!.Message, Does.Contain("SIP registration of seat 1001 refused").And.Contain("401"));
        Assert.That(await _server.Locations.GetBindingsAsync("sip:1001@test.local", ct), Is.Empty);

        var hub = _server.Agent("1001");
        hub.Password = "not-the-password";
        var hubError = Assert.ThrowsAsync<AgentStartException>(async () => await AgentClient.StartAsync(hub, cancellationToken: ct));
        Assert.That(hubError!.Message, Does.Contain("login refused for user agent1001"));
        Assert.That((await _server.Acd.Store.GetSeatAsync("1001"))!.State, Is.EqualTo(SeatState.LoggedOut));

        await using var good = await AgentClient.StartAsync(_server.Agent("1001"), cancellationToken: ct);
        Assert.That(good.Contact, Is.Not.Null);
    }

    [Test]
    public async Task A_seat_taken_by_another_agent_is_refused_with_the_hubs_reason(CancellationToken ct)
    {
        await using var first = await AgentClient.StartAsync(_server.Agent("1001"), cancellationToken: ct);
        var other = _server.Agent("1002");
        other.Seat = "1001";
        other.SipPassword = "sip-1001";
        var error = Assert.ThrowsAsync<AgentStartException>(async () => await AgentClient.StartAsync(other, cancellationToken: ct));
        Assert.That(error!.Message, Does.Contain("seat 1001").And.Contain("Another agent"));
    }
}
