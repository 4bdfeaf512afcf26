namespace Telephony.Media.Tests.Rtp;

public class RtpPacketTests
{
    [Test]
    public void Writes_and_reads_a_full_packet()
    {
        var buffer = new byte[200];
        var header = new RtpHeader { Marker = true, PayloadType = 101, SequenceNumber = 65535, Timestamp = 0xFFFFFFF0, Ssrc = 0xDEADBEEF };
        byte[] payload = [1, 2, 3, 4, 5];
        int n = RtpWriter.Write(buffer, header, payload, csrcs: [7u, 9u], extensionProfile: 0xBEDE, extensionData: [0x10, 0xAA, 0, 0], padding: 3);
        Assert.That(n, Is.EqualTo(12 + 8 + 8 + 5 + 3));

        Assert.That(RtpPacket.TryParse(buffer.AsSpan(0, n), out var p, out var error), Is.True, error.ToString());
        Assert.That(p.Version, Is.EqualTo(2));
        Assert.That(p.Marker, Is.True);
        Assert.That(p.PayloadType, Is.EqualTo(101));
        Assert.That(p.SequenceNumber, Is.EqualTo(65535));
        Assert.That(p.Timestamp, Is.EqualTo(0xFFFFFFF0));
        Assert.That(p.Ssrc, Is.EqualTo(0xDEADBEEF));
        Assert.That(p.CsrcCount, Is.EqualTo(2));
        Assert.That(p.GetCsrc(1), Is.EqualTo(9u));
        Assert.That(p.ExtensionProfile, Is.EqualTo(0xBEDE));
        Assert.That(p.ExtensionData.ToArray(), Is.EqualTo(new byte[] { 0x10, 0xAA, 0, 0 }));
        Assert.That(p.PaddingLength, Is.EqualTo(3));
        Assert.That(p.Payload.ToArray(), Is.EqualTo(payload));
    }

    [Test]
    public void Rewrites_header_fields_in_place()
    {
        var buffer = new byte[12 + 160];
        int n = RtpWriter.Write(buffer, new RtpHeader { PayloadType = 0, SequenceNumber = 1, Timestamp = 2, Ssrc = 3 }, new byte[160]);
        RtpWriter.SetSequenceNumber(buffer, 500);
        RtpWriter.SetTimestamp(buffer, 80000);
        RtpWriter.SetSsrc(buffer, 42);
        RtpWriter.SetPayloadType(buffer, 8);
        RtpWriter.SetMarker(buffer, true);
        Assert.That(RtpPacket.TryParse(buffer.AsSpan(0, n), out var p), Is.True);
        Assert.That((p.SequenceNumber, p.Timestamp, p.Ssrc, p.PayloadType, p.Marker), Is.EqualTo(((ushort)500, 80000u, 42u, 8, true)));
        Assert.That(p.PayloadLength, Is.EqualTo(160));
    }

    [TestCase(new byte[] { 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, RtpParseError.TooShort)]
    [TestCase(new byte[] { 0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.BadVersion)]
    [TestCase(new byte[] { 0x80, 0xC8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.RtcpPayloadType)]
    [TestCase(new byte[] { 0x80, 0xC9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.RtcpPayloadType)]
    [TestCase(new byte[] { 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.CsrcOverflow)]
    [TestCase(new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 0, 0, 0, 0 }, RtpParseError.ExtensionOverflow)]
    [TestCase(new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE }, RtpParseError.ExtensionOverflow)]
    [TestCase(new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9, 0 }, RtpParseError.BadPadding)]
    [TestCase(new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9, 200 }, RtpParseError.BadPadding)]
    public void Validates_per_rfc_3550_appendix_a1(byte[] data, RtpParseError expected)
    {
        Assert.That(RtpPacket.TryParse(data, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1);
        var data = new byte[64];
        int valid = 0;
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(data);
            int length = random.Next(0, data.Length);
            if (RtpPacket.TryParse(data.AsSpan(0, length), out var p))
            {
                valid++;
                Assert.That(p.HeaderLength + p.PayloadLength + p.PaddingLength, Is.EqualTo(length));
            }
        }

        Assert.That(valid, Is.GreaterThan(0));
    }
}
