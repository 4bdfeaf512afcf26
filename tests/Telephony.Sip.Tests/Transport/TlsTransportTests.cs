using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Sip.Tests.Transport;

/// <summary>
/// SIP over TLS (RFC 3261 §26.2) at the byte level: a TLS listener with a certificate from a test CA, a plain
/// SslStream client and our own outgoing TLS; the failures an attacker or a misconfiguration brings
/// (untrusted or misnamed certificate, plain text on the TLS port, a handshake that never comes) each end the
/// connection, counted, without taking a slot for long.
/// </summary>
[CancelAfter(30_000)]
public sealed class TlsTransportTests
{
    private X509Certificate2 Authority = null!;
    private X509Certificate2 Server = null!;

    [OneTimeSetUp]
    public void IssueCertificates()
    {
        Authority = TestCertificates.CreateAuthority("Telephony test CA");
        Server = TestCertificates.IssueServer(Authority, [IPAddress.Loopback], "sip.telephony.test");
    }

    [OneTimeTearDown]
    public void DisposeCertificates()
    {
        Server.Dispose();
        Authority.Dispose();
    }

    private sealed class RecordingSink : ISipTransportSink
    {
        public ConcurrentQueue<(SipFlow Flow, string Text)> Messages { get; } = new();
        public void OnMessage(in SipFlow flow, ReadOnlySpan<byte> message) => Messages.Enqueue((flow, Encoding.UTF8.GetString(message)));
    }

    private sealed class Node(SipTransportManager manager, RecordingSink sink, SipTimerQueue timers) : IAsyncDisposable
    {
        public SipTransportManager Manager => manager;
        public RecordingSink Sink => sink;
        public IPEndPoint Bound => manager.BoundEndPoints[0].EndPoint;

        public async ValueTask DisposeAsync()
        {
            timers.Dispose();
            await manager.DisposeAsync();
        }
    }

    private static Node Start(SipTlsOptions tls, bool listen = true)
    {
        var sink = new RecordingSink();
        var timers = new SipTimerQueue();
        var manager = new SipTransportManager(sink, SipParserOptions.Default, new SipTransportOptions { Tls = tls }, timers, NullLogger.Instance);
        manager.Listen(listen
            ? new SipListenEndpoint(SipTransportProtocol.Tls, new IPEndPoint(IPAddress.Loopback, 0))
            : new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        return new Node(manager, sink, timers);
    }

    private SipTlsOptions ServerTls(TimeSpan? handshake = null) => new() { Certificate = Server, HandshakeTimeout = handshake ?? TimeSpan.FromSeconds(10) };

    private static SipTlsOptions ClientTrusting(X509Certificate2 root) => new() { TrustedRoots = [root] };

    private static async Task WaitUntil(Func<bool> condition, int timeoutMs = 8000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(10);
        }
    }

    private const string Message = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 2\r\n\r\nhi";

    [Test]
    public async Task A_tls_client_is_framed_like_tcp_and_answered_on_its_connection()
    {
        await using var node = Start(ServerTls());
        using var client = new TcpClient();
        await client.ConnectAsync(node.Bound);
        await using var tls = new SslStream(client.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, cert, _, errors) => errors == SslPolicyErrors.None || ChainsTo(cert, Authority),
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes(Message + Message[..10]));
        await WaitUntil(() => node.Sink.Messages.Count == 1);
        var (flow, text) = node.Sink.Messages.First();
        Assert.That(text, Is.EqualTo(Message));
        Assert.That(flow.Protocol, Is.EqualTo(SipTransportProtocol.Tls));

        await node.Manager.SendAsync(flow, "reply"u8.ToArray(), CancellationToken.None);
        var got = new byte[5];
        await tls.ReadExactlyAsync(got);
        Assert.That(got, Is.EqualTo("reply"u8.ToArray()), "the answer comes back inside the same TLS session");
        Assert.That(node.Manager.Tls.ConnectionCount, Is.EqualTo(1));
        Assert.That(node.Manager.Tcp.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Our_outgoing_tls_checks_the_peer_against_the_configured_roots_and_reuses_the_connection()
    {
        await using var server = Start(ServerTls());
        await using var client = Start(ClientTrusting(Authority), listen: false);
        var destination = new SipDestination(SipTransportProtocol.Tls, server.Bound, "127.0.0.1");
        var flow = await client.Manager.GetFlowAsync(destination, CancellationToken.None);
        Assert.That(flow.Protocol, Is.EqualTo(SipTransportProtocol.Tls));
        await client.Manager.SendAsync(flow, Encoding.ASCII.GetBytes(Message), CancellationToken.None);
        await WaitUntil(() => server.Sink.Messages.Count == 1);
        Assert.That(server.Sink.Messages.First().Flow.Protocol, Is.EqualTo(SipTransportProtocol.Tls));

        var again = await client.Manager.GetFlowAsync(destination, CancellationToken.None);
        Assert.That(again, Is.EqualTo(flow), "one connection per peer (§18.1.1)");
        Assert.That(client.Manager.Tls.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_certificate_from_another_ca_or_for_another_name_is_refused()
    {
        await using var server = Start(ServerTls());
        using var otherCa = TestCertificates.CreateAuthority("Someone else's CA");
        await using var strangerRoots = Start(ClientTrusting(otherCa), listen: false);
        var refused = Assert.ThrowsAsync<SipTransportException>(async () =>
            await strangerRoots.Manager.GetFlowAsync(new SipDestination(SipTransportProtocol.Tls, server.Bound, "127.0.0.1"), CancellationToken.None));
        Assert.That(refused!.Message, Does.StartWith($"TLS to {server.Bound} failed"));
        Assert.That(strangerRoots.Manager.Tls.FailedHandshakes, Is.EqualTo(1));

        // RFC 5922 §7.2: the certificate must name the host we meant to reach.
        await using var wrongName = Start(ClientTrusting(Authority), listen: false);
        Assert.ThrowsAsync<SipTransportException>(async () =>
            await wrongName.Manager.GetFlowAsync(new SipDestination(SipTransportProtocol.Tls, server.Bound, "carrier.example"), CancellationToken.None));
        var right = await wrongName.Manager.GetFlowAsync(new SipDestination(SipTransportProtocol.Tls, server.Bound, "sip.telephony.test"), CancellationToken.None);
        Assert.That(right.Protocol, Is.EqualTo(SipTransportProtocol.Tls), "the DNS name in the certificate is accepted");
        Assert.That(wrongName.Manager.Tls.ConnectionCount, Is.EqualTo(1));
        await WaitUntil(() => server.Manager.Tls.ConnectionCount == 1);
    }

    [Test]
    public async Task Plain_sip_on_the_tls_port_is_closed_and_never_reaches_the_stack()
    {
        await using var node = Start(ServerTls());
        using var client = new TcpClient();
        await client.ConnectAsync(node.Bound);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Message));
        var buffer = new byte[256];
        int read;
        do
        {
            read = await stream.ReadAsync(buffer); // a TLS alert at most, then the close
        }
        while (read > 0);
        await WaitUntil(() => node.Manager.Tls.ConnectionCount == 0 && node.Manager.Tls.FailedHandshakes == 1);
        Assert.That(node.Sink.Messages, Is.Empty);
    }

    [Test]
    public async Task A_client_that_never_starts_its_handshake_is_closed_after_the_handshake_timeout()
    {
        await using var node = Start(ServerTls(TimeSpan.FromMilliseconds(500)));
        using var client = new TcpClient();
        var started = DateTime.UtcNow;
        await client.ConnectAsync(node.Bound);
        var read = await client.GetStream().ReadAsync(new byte[16]);
        Assert.That(read, Is.Zero, "closed by the server");
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)));
        await WaitUntil(() => node.Manager.Tls.ConnectionCount == 0);
        Assert.That(node.Manager.Tls.FailedHandshakes, Is.EqualTo(1));
    }

    [Test]
    public void A_tls_listener_without_a_certificate_is_a_clear_error()
    {
        var sink = new RecordingSink();
        using var timers = new SipTimerQueue();
        var manager = new SipTransportManager(sink, SipParserOptions.Default, new SipTransportOptions(), timers, NullLogger.Instance);
        var error = Assert.Throws<InvalidOperationException>(() => manager.Listen(new SipListenEndpoint(SipTransportProtocol.Tls, new IPEndPoint(IPAddress.Loopback, 0))));
        Assert.That(error!.Message, Does.Contain("certificate"));
    }

    [Test]
    public void Tls_listen_entries_and_via_tokens_parse()
    {
        var list = SipListenEndpoint.ParseList("tls:127.0.0.1:5061");
        Assert.That(list, Is.EqualTo(new[] { new SipListenEndpoint(SipTransportProtocol.Tls, IPEndPoint.Parse("127.0.0.1:5061")) }));
        Assert.That(SipTransportProtocol.Tls.ToViaToken(), Is.EqualTo("TLS"));
        Assert.That(SipTransportProtocol.Tls.IsReliable(), Is.True);
        Assert.That(SipTransportProtocol.Tls.DefaultPort(), Is.EqualTo(5061));
    }

    private static bool ChainsTo(X509Certificate? certificate, X509Certificate2 root)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
