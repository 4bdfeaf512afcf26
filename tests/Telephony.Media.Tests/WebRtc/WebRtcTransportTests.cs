using Telephony.Media.WebRtc;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Stun;

using Telephony.Testing.WebRtc;

namespace Telephony.Media.Tests.WebRtc;

/// <summary>A WebRTC leg's port end to end on loopback: ICE-lite, the DTLS-SRTP handshake, SRTP both ways, refusals.</summary>
[CancelAfter(30_000)]
public class WebRtcTransportTests
{
    private static readonly RtpPortPool Pool = new(IPAddress.Loopback, 28000, 28099);
    private static readonly DtlsIdentity Server = DtlsIdentity.Create();

    private sealed class Collector : IRtpPacketHandler
    {
        public readonly List<byte[]> Packets = [];
        public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
        {
            lock (Packets) Packets.Add(packet.ToArray());
        }
        public int Count { get { lock (Packets) return Packets.Count; } }
    }

    private static (RtpSession Session, WebRtcTransport Transport, Collector Heard) Open(TimeSpan? timeout = null)
    {
        var session = RtpSession.TryOpen(Pool, new RtpSessionOptions(), out string? error) ?? throw new InvalidOperationException(error);
        var transport = new WebRtcTransport(session, Server, timeout: timeout ?? TimeSpan.FromSeconds(10));
        var heard = new Collector();
        session.Handler = heard;
        session.Start();
        return (session, transport, heard);
    }

    /// <summary>A browser's side of a good handshake with the leg: its ICE check, then DTLS; the leg is secured on return.</summary>
    private static async Task<BrowserLikePeer> SecuredBrowserAsync(RtpSession session, WebRtcTransport transport)
    {
        var browser = new BrowserLikePeer();
        var leg = session.LocalRtpEndPoint;
        Assert.That(browser.Check(leg, transport.Ice.Local.UsernameFragment, transport.Ice.Local.Password), Is.EqualTo(StunMessageType.BindingSuccess));
        transport.Start(BrowserLikePeer.Ufrag, browser.Identity.Fingerprint);
        await Task.Run(() => browser.Connect(leg, transport.LocalFingerprint));
        Assert.That(await transport.Secured, Is.EqualTo(WebRtcFailure.None));
        return browser;
    }

    private static async Task Until(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The handshake's timeout is the handshake's: a secured leg outlives it. It used to close the DTLS channel at the
    /// timeout even after success, so the serving transport sent the browser a fatal alert and Chromium failed the
    /// peer connection (every browser leg ended a security timeout after its answer).
    /// </summary>
    [Test]
    public async Task A_secured_leg_sends_no_alert_when_the_handshake_timeout_passes()
    {
        var (session, transport, heard) = Open(TimeSpan.FromSeconds(3));
        await using var _ = session;
        await using var __ = transport;
        var timeoutPassed = DateTime.UtcNow.AddSeconds(4);
        using var browser = await SecuredBrowserAsync(session, transport);

        // Past the timeout: nothing from the leg but (possibly) a retransmitted handshake flight, never an alert (content type 21).
        var received = new byte[1500];
        browser.Socket.ReceiveTimeout = 200;
        var alerts = 0;
        while (DateTime.UtcNow < timeoutPassed)
        {
            try
            {
                if (browser.Socket.Receive(received) > 0 && received[0] == 21)
                    alerts++;
            }
            catch (SocketException)
            {
                // nothing this time
            }
        }
        Assert.That(alerts, Is.Zero, "no DTLS alert after the handshake timeout");
        browser.Socket.Send(browser.Srtp(1, 0x55));
        await Until(() => heard.Count > 0);
        Assert.That(heard.Count, Is.EqualTo(1), "SRTP still flows");
    }

    [Test]
    public async Task Handshake_keys_srtp_both_ways()
    {
        var (session, transport, heard) = Open();
        await using var _ = session;
        await using var __ = transport;
        using var browser = await SecuredBrowserAsync(session, transport);
        await Until(() => session.Protection is not null);

        // Browser → leg: SRTP in, plain RTP to the handler.
        browser.Socket.Send(browser.Srtp(1, 0x55));
        await Until(() => heard.Count > 0);
        Assert.That(heard.Count, Is.EqualTo(1));
        Assert.That(heard.Packets[0].AsSpan(RtpPacket.FixedHeaderLength).ToArray(), Is.All.EqualTo(0x55));

        // Leg → browser: plain RTP out of the session arrives as SRTP the browser's keys open.
        var plain = new byte[200];
        int n = RtpWriter.Write(plain, new RtpHeader { PayloadType = 0, SequenceNumber = 9, Timestamp = 1440, Ssrc = session.LocalSsrc }, new byte[160]);
        Assert.That(session.Send(plain.AsSpan(0, n)), Is.True);
        var received = new byte[1500];
        browser.Socket.ReceiveTimeout = 2000;
        int got;
        do
        {
            got = browser.Socket.Receive(received);
        } while (received[0] < 128); // skip a DTLS retransmission, if any
        Assert.That(browser.Protection!.Remote.UnprotectRtp(received, got, out int plainLength), Is.EqualTo(Telephony.Media.Srtp.SrtpStatus.Ok));
        Assert.That(plainLength, Is.EqualTo(n));

        // A bad tag is dropped and counted, never handed on.
        var tampered = browser.Srtp(2);
        tampered[^1] ^= 0x01;
        browser.Socket.Send(tampered);
        await Until(() => session.GetStatistics().UnauthenticatedPackets > 0);
        Assert.That(session.GetStatistics().UnauthenticatedPackets, Is.EqualTo(1));
        browser.Socket.Send(browser.Srtp(3));
        await Until(() => heard.Count > 1);
        Assert.That(heard.Count, Is.EqualTo(2), "the good packet after the bad one");
    }

    [Test]
    public async Task A_tampered_fingerprint_fails_the_handshake()
    {
        var (session, transport, heard) = Open();
        await using var _ = session;
        await using var __ = transport;
        using var browser = new BrowserLikePeer();
        var leg = session.LocalRtpEndPoint;
        browser.Check(leg, transport.Ice.Local.UsernameFragment, transport.Ice.Local.Password);
        // The SDP said another certificate than the one the browser presents.
        transport.Start(BrowserLikePeer.Ufrag, DtlsIdentity.Create("mallory").Fingerprint);
        Assert.That(() => browser.Connect(leg, transport.LocalFingerprint), Throws.Exception);
        Assert.That(await transport.Secured, Is.EqualTo(WebRtcFailure.FingerprintMismatch));
        Assert.That(session.Protection, Is.Null);
    }

    [Test]
    public async Task A_wrong_stun_password_selects_no_peer_and_the_leg_fails()
    {
        var (session, transport, heard) = Open(TimeSpan.FromSeconds(2));
        await using var _ = session;
        await using var __ = transport;
        using var browser = new BrowserLikePeer();
        var leg = session.LocalRtpEndPoint;
        Assert.That(browser.Check(leg, transport.Ice.Local.UsernameFragment, "thisIsNotThePasswordAtAll"), Is.EqualTo(StunMessageType.BindingError));
        transport.Start(BrowserLikePeer.Ufrag, browser.Identity.Fingerprint);
        Assert.That(await transport.Secured, Is.EqualTo(WebRtcFailure.IceRefused));
        Assert.That(transport.Ice.Selected, Is.Null);
        Assert.That(session.RemoteRtpEndPoint, Is.Null);
    }

    [Test]
    public async Task Media_from_a_source_ice_did_not_prove_is_dropped()
    {
        var (session, transport, heard) = Open();
        await using var _ = session;
        await using var __ = transport;
        using var browser = new BrowserLikePeer();
        using var stranger = new BrowserLikePeer();
        var leg = session.LocalRtpEndPoint;
        browser.Check(leg, transport.Ice.Local.UsernameFragment, transport.Ice.Local.Password);
        transport.Start(BrowserLikePeer.Ufrag, browser.Identity.Fingerprint);
        await Task.Run(() => browser.Connect(leg, transport.LocalFingerprint));
        Assert.That(await transport.Secured, Is.EqualTo(WebRtcFailure.None));

        // The stranger even has valid SRTP (the browser's keys): the source alone refuses it.
        stranger.Socket.SendTo(browser.Srtp(5), leg);
        await Until(() => session.GetStatistics().StrangerPackets > 0);
        Assert.That(session.GetStatistics().StrangerPackets, Is.EqualTo(1));
        Assert.That(heard.Count, Is.Zero);
    }

    [Test]
    public async Task Plain_rtp_on_a_webrtc_leg_is_never_played()
    {
        var (session, transport, heard) = Open();
        await using var _ = session;
        await using var __ = transport;
        using var browser = new BrowserLikePeer();
        var leg = session.LocalRtpEndPoint;
        browser.Check(leg, transport.Ice.Local.UsernameFragment, transport.Ice.Local.Password);
        var plain = new byte[200];
        int n = RtpWriter.Write(plain, new RtpHeader { PayloadType = 0, SequenceNumber = 1, Ssrc = 7 }, new byte[160]);
        // Before keys exist: refused as unauthenticated.
        browser.Socket.SendTo(plain.AsSpan(0, n), leg);
        await Until(() => session.GetStatistics().UnauthenticatedPackets > 0);
        Assert.That(session.GetStatistics().UnauthenticatedPackets, Is.EqualTo(1));
        Assert.That(heard.Count, Is.Zero);
    }
}
