using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Legs;

/// <summary>
/// Two media legs over loopback after an RTP/SAVP offer/answer (RFC 4568): audio and key presses go
/// through SRTP both ways and are heard in plain; a re-offer keeps our key and context.
/// Ports 32400-32499.
/// </summary>
[CancelAfter(20_000)]
public class SecureMediaLegTests
{
    private static readonly MediaLegOptions SecurePhone = MediaLegOptions.Softphone with
    {
        Negotiator = new SdpNegotiatorOptions { Codecs = ["PCMU", "PCMA"], TelephoneEvent = true, OfferSrtp = true },
    };

    private MediaEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _engine = new MediaEngine(new MediaEngineOptions { PortMin = 32400, PortMax = 32499 });
        _engine.Start();
    }

    [TearDown]
    public async Task TearDown() => await _engine.DisposeAsync();

    private MediaLeg Open(MediaLegOptions options) => MediaLeg.Open(_engine, options, out var error) ?? throw new InvalidOperationException(error);

    private sealed class Capture : IAudioSink
    {
        private readonly List<short> _samples = [];

        public short[] Samples
        {
            get
            {
                lock (_samples)
                {
                    return [.. _samples];
                }
            }
        }

        public void WriteFrame(ReadOnlySpan<short> frame)
        {
            lock (_samples)
            {
                _samples.AddRange(frame.ToArray());
            }
        }
    }

    [Test]
    public async Task A_SAVP_call_carries_audio_and_digits_over_SRTP_both_ways()
    {
        await using var server = Open(MediaLegOptions.Server);
        await using var phone = Open(SecurePhone);
        var answer = server.AnswerOffer(phone.CreateOffer());
        Assert.That(answer.Success, Is.True, answer.Error);
        Assert.That(Encoding.UTF8.GetString(MediaLeg.Body(answer)), Does.Contain("RTP/SAVP").And.Contain("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
        Assert.That(phone.AcceptAnswer(MediaLeg.Body(answer)).Success, Is.True);
        Assert.That((server.IsSecure, phone.IsSecure), Is.EqualTo((true, true)));

        var heard = new Capture();
        phone.HearInto(heard);
        var digits = new List<char>();
        server.DigitReceived += d => { lock (digits) digits.Add(d); };
        _ = server.Play(Tones.Continuous(440));
        Assert.That(phone.SendDigit('7'), Is.True);

        Assert.That(await Wait(() => heard.Samples.Length >= 8000 && phone.GetStatistics().PacketsReceived >= 40), Is.True);
        lock (digits) Assert.That(digits, Is.EqualTo(new[] { '7' }));
        var pcm = heard.Samples.AsSpan(^4000..);
        Assert.That(ToneAnalysis.Amplitude(pcm, 440, 8000), Is.GreaterThan(1000), "the tone decrypts and decodes");
        var stats = phone.GetStatistics();
        Assert.That((stats.Secure, stats.UnauthenticatedPackets), Is.EqualTo((true, 0L)));
        Assert.That(phone.Session.Protection!.Remote.RtpAuthenticated, Is.GreaterThanOrEqualTo(stats.PacketsReceived), "every packet counted was authenticated (more may have come since)");
        Assert.That(server.Session.Protection!.Remote.RtpAuthenticated, Is.GreaterThan(0), "the phone's key press came as SRTP");
    }

    [Test]
    public async Task A_re_offer_keeps_our_key_and_context_and_refuses_to_drop_SRTP()
    {
        await using var server = Open(MediaLegOptions.Server);
        await using var phone = Open(SecurePhone);
        var offer = phone.CreateOffer();
        var answer = server.AnswerOffer(offer);
        Assert.That(answer.Success, Is.True, answer.Error);
        var local = server.Session.Protection!.Local;

        // Same offer again (hold/resume style): nothing about the keys changes.
        Assert.That(server.ApplyPeerOffer(offer).Error, Is.Null);
        Assert.That(server.Session.Protection!.Local, Is.SameAs(local));

        // The peer gives a new key of its own: our direction's context stays, the peer's is new.
        var remote = server.Session.Protection.Remote;
        await using var other = Open(SecurePhone);
        var rekeyed = Encoding.UTF8.GetString(other.CreateOffer());
        Assert.That(server.ApplyPeerOffer(Encoding.UTF8.GetBytes(rekeyed)).Error, Is.Null);
        Assert.That(server.Session.Protection!.Local, Is.SameAs(local));
        Assert.That(server.Session.Protection.Remote, Is.Not.SameAs(remote));

        var plain = rekeyed.Replace("RTP/SAVP", "RTP/AVP", StringComparison.Ordinal);
        Assert.That(server.ApplyPeerOffer(Encoding.UTF8.GetBytes(plain)).Error, Does.Contain("re-offer without it"));
        Assert.That(server.IsSecure, Is.True);
    }

    private static async Task<bool> Wait(Func<bool> condition, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }
}
