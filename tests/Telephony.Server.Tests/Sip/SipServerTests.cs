using System.Text.RegularExpressions;

namespace Telephony.Server.Tests.Sip;

[CancelAfter(30_000)]
public sealed partial class SipServerTests
{
    private static Task<SipUserAgent> Seat(string user, string password, string? aor = null) =>
        SipUserAgent.StartAsync("udp:127.0.0.1:0,tcp:127.0.0.1:0", new SipUserAgentOptions
        {
            LocalUri = $"sip:{aor ?? user}@test.local",
            Username = user,
            Password = password,
        });

    [TestCase(SipTransportProtocol.Udp)]
    [TestCase(SipTransportProtocol.Tcp)]
    public async Task Options_is_answered_with_allow_accept_supported(SipTransportProtocol protocol)
    {
        await using var server = new SipServerFixture();
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0,tcp:127.0.0.1:0", new SipUserAgentOptions());
        var response = await ua.OptionsAsync(server.Uri("anyone", protocol));
        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.HasHeader("Allow") && response.HasHeader("Accept") && response.HasHeader("Supported"), Is.True);
    }

    [TestCase(SipTransportProtocol.Udp)]
    [TestCase(SipTransportProtocol.Tcp)]
    public async Task Seat_registers_with_digest_and_is_in_the_location_store(SipTransportProtocol protocol)
    {
        await using var server = new SipServerFixture();
        await using var seat = await Seat("1001", "pw-1001");
        var response = await seat.RegisterAsync(server.Uri("1001", protocol).Replace("1001@", "", StringComparison.Ordinal), 600);
        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(600u));
        var bindings = await server.Locations.GetBindingsAsync("sip:1001@test.local");
        Assert.That(bindings.Single().ContactUri, Does.Contain("1001@127.0.0.1"));

        var removed = await seat.RegisterAsync(server.Uri("1001", protocol).Replace("1001@", "", StringComparison.Ordinal), 0);
        Assert.That(removed.StatusCode, Is.EqualTo(200));
        Assert.That(await server.Locations.GetBindingsAsync("sip:1001@test.local"), Is.Empty);
    }

    [Test]
    public async Task Seat_cannot_register_another_seats_aor_and_short_expiry_gets_423()
    {
        await using var server = new SipServerFixture();
        await using var thief = await Seat("1001", "pw-1001", aor: "1002");
        Assert.That((await thief.RegisterAsync(server.Uri("x").Replace("x@", "", StringComparison.Ordinal), 600)).StatusCode, Is.EqualTo(403));
        await using var seat = await Seat("1003", "pw-1003");
        var brief = await seat.RegisterAsync(server.Uri("x").Replace("x@", "", StringComparison.Ordinal), 5);
        Assert.That((brief.StatusCode, brief.GetHeader("Min-Expires")), Is.EqualTo((423, "60")));
    }

    [Test]
    public async Task Invites_get_404_for_unknown_targets_480_for_unregistered_seats_and_the_service_number_is_answered()
    {
        await using var server = new SipServerFixture();
        await using var seat = await Seat("1001", "pw-1001");
        var unknown = await seat.CallAsync(server.Uri("9999"), UaSdp);
        Assert.That((await unknown.Completion).StatusCode, Is.EqualTo(404));
        var offline = await seat.CallAsync(server.Uri("1002"), UaSdp);
        Assert.That((await offline.Completion).StatusCode, Is.EqualTo(480));

        await using var citizen = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:citizen@127.0.0.1" });
        var hotline = await citizen.CallAsync(server.Uri("12345"), UaSdp);
        // The service number is answered by the call manager (IVR); its flow is tested in Calls/.
        Assert.That((await hotline.NextAsync<CallEstablished>()).RemoteSdp.IsEmpty, Is.False);
        await hotline.HangupAsync();
        var sneaky = await citizen.CallAsync(server.Uri("1001"), UaSdp);
        Assert.That((await sneaky.Completion).StatusCode, Is.EqualTo(407));
    }

    [Test]
    public async Task Seat_to_registered_seat_is_redirected_to_its_contact()
    {
        await using var server = new SipServerFixture();
        await using var callee = await Seat("1002", "pw-1002");
        Assert.That((await callee.RegisterAsync(server.Uri("x").Replace("x@", "", StringComparison.Ordinal), 600)).StatusCode, Is.EqualTo(200));
        await using var caller = await Seat("1001", "pw-1001");
        var call = await caller.CallAsync(server.Uri("1002"), UaSdp);
        Assert.That((await call.Completion).StatusCode, Is.EqualTo(302));
    }

    [Test]
    public async Task Unauthenticated_register_and_invite_answers_do_not_reveal_which_seats_exist()
    {
        await using var server = new SipServerFixture();
        using var raw = new RawUdp();
        int port = server.Port(SipTransportProtocol.Udp);
        foreach (var method in new[] { "REGISTER", "INVITE" })
        {
            var existing = await raw.RequestAsync(raw.Request(method, "1001", port, $"enum-{method}-a"), port);
            var missing = await raw.RequestAsync(raw.Request(method, "9999", port, $"enum-{method}-b"), port);
            Assert.That(existing.StatusCode, Is.EqualTo(method == "REGISTER" ? 401 : 407));
            Assert.That(Mask(existing, "1001", $"enum-{method}-a"), Is.EqualTo(Mask(missing, "9999", $"enum-{method}-b")));
        }
    }

    /// <summary>The response with the per-message fields (tags, nonces, Call-ID, branch, the user we asked for) blanked.</summary>
    private static string Mask(SipResponse response, string user, string callId)
    {
        var text = System.Text.Encoding.UTF8.GetString(response.RawBytes.Span);
        text = text.Replace(callId, "CALLID", StringComparison.Ordinal).Replace(user, "USER", StringComparison.Ordinal);
        text = TagPattern().Replace(text, "tag=X");
        return NoncePattern().Replace(text, "nonce=\"X\"");
    }

    [Test]
    public async Task Repeated_wrong_passwords_get_the_source_banned()
    {
        // Loopback is the trunk in the shipped settings, and trunk addresses are never banned: make it a seat's network here.
        await using var server = new SipServerFixture(maxFailures: 3, settings: new Dictionary<string, string> { ["Trunks:AllowedSources"] = "127.0.0.9/32" });
        await using var guesser = await Seat("1001", "wrong");
        var registrar = server.Uri("x").Replace("x@", "", StringComparison.Ordinal);
        var codes = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            codes.Add((await guesser.RegisterAsync(registrar, 600)).StatusCode);
        }
        Assert.That(codes, Is.EqualTo(new[] { 401, 401, 403 }), "the failure that triggers the ban is answered 403");
        int transactions = server.Host.UserAgent.Endpoint.ServerTransactionCount;

        // From now on the banned address gets no answer at all, and costs no transaction.
        await using var rightfully = await Seat("1001", "pw-1001");
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            Assert.That(async () => await rightfully.RegisterAsync(registrar, 600, wait.Token), Throws.InstanceOf<OperationCanceledException>(),
                "the ban holds even for the right password from that address");
        }
        using var raw = new RawUdp();
        Assert.That(async () => await raw.RequestAsync(raw.Request("OPTIONS", "anyone", server.Port(SipTransportProtocol.Udp), "banned-1"), server.Port(SipTransportProtocol.Udp), TimeSpan.FromSeconds(1)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(server.Host.UserAgent.Endpoint.ServerTransactionCount, Is.LessThanOrEqualTo(transactions));

        // Another address is served as usual.
        await using var elsewhere = await SipUserAgent.StartAsync("udp:127.0.0.2:0", new SipUserAgentOptions
        {
            LocalUri = "sip:1001@test.local", Username = "1001", Password = "pw-1001",
        });
        Assert.That((await elsewhere.RegisterAsync(registrar, 600)).StatusCode, Is.EqualTo(200));
    }

    [TestCase("Authorization: Digest username=\"1001\", realm=\"test.local\r\n")]
    [TestCase("Authorization: Digest username=\"1001\", realm=\"test.local\", nonce=\"x\", uri=\"sip:x\", response=\"00\", algorithm=SHA-512\r\n")]
    [TestCase("Authorization: Basic MTAwMTpwdw==\r\n")]
    [TestCase("Authorization: Digest username=\"1001\", realm=\"test.local\", nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", uri=\"sip:x\", response=\"00\", qop=auth, nc=00000001, cnonce=\"c\"\r\n")]
    public async Task Hostile_authorization_headers_get_a_fresh_challenge(string header)
    {
        await using var server = new SipServerFixture();
        using var raw = new RawUdp();
        int port = server.Port(SipTransportProtocol.Udp);
        var response = await raw.RequestAsync(raw.Request("REGISTER", "1001", port, "hostile-" + header.Length, header), port);
        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(response.GetHeader("WWW-Authenticate"), Does.StartWith("Digest realm=\"test.local\""));
    }

    private static readonly byte[] UaSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n"u8.ToArray();

    [GeneratedRegex("tag=[^;,\\s>]+")]
    private static partial Regex TagPattern();

    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex NoncePattern();
}
