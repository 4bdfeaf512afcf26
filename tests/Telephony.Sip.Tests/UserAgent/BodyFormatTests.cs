namespace Telephony.Sip.Tests.UserAgent;

public sealed class BodyFormatTests
{
    [TestCase("Signal=5\r\nDuration=160\r\n", '5', 160)]
    [TestCase("Signal= #\nDuration= 250", '#', 250)]
    [TestCase("Signal=10\r\n", '*', 100)]
    [TestCase("signal=a\r\nduration=999999", 'A', 100)]
    public void Dtmf_relay_bodies_parse(string body, char digit, int duration)
    {
        Assert.That(DtmfRelay.TryParse(Encoding.ASCII.GetBytes(body), out var d, out var ms), Is.True);
        Assert.That((d, ms), Is.EqualTo((digit, duration)));
    }

    [TestCase("")]
    [TestCase("Duration=100")]
    [TestCase("Signal=55")]
    [TestCase("Signal=x")]
    public void Bad_dtmf_relay_bodies_are_refused(string body) =>
        Assert.That(DtmfRelay.TryParse(Encoding.ASCII.GetBytes(body), out _, out _), Is.False);

    [Test]
    public void Dtmf_relay_round_trips() =>
        Assert.That(DtmfRelay.TryParse(DtmfRelay.Format('9', 120), out var d, out var ms) && d == '9' && ms == 120, Is.True);

    [Test]
    public void Sipfrag_status_line_parses_and_garbage_does_not()
    {
        Assert.That(SipFrag.TryParseStatus(SipFrag.Format(180, "Ringing"), out var code, out var reason), Is.True);
        Assert.That((code, reason), Is.EqualTo((180, "Ringing")));
        Assert.That(SipFrag.TryParseStatus("INVITE sip:x SIP/2.0\r\n"u8, out _, out _), Is.False);
        Assert.That(SipFrag.TryParseStatus("SIP/2.0 2000 OK"u8, out _, out _), Is.False);
    }
}
