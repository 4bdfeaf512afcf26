using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Srtp;

/// <summary>Known answers: RFC 3711 Appendix B and libsrtp's reference packets (what any peer computes).</summary>
public class SrtpVectorTests
{
    private static readonly byte[] MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    [Test]
    public void Aes_counter_mode_keystream_is_RFC_3711_B2()
    {
        using var cm = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var data = new byte[48];
        cm.Apply(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), data);
        Assert.That(Convert.ToHexString(data), Is.EqualTo(
            "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0"));
    }

    [Test]
    public void Aes_counter_mode_keystream_past_one_chunk_matches_the_tail_of_RFC_3711_B2()
    {
        // Blocks 0xFEFF..0xFF01: many transform calls, the block counter near its 16-bit end.
        using var cm = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var data = new byte[0xFF02 * 16];
        cm.Apply(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), data);
        Assert.That(Convert.ToHexString(data.AsSpan(0xFEFF * 16, 48)), Is.EqualTo(
            "EC8CDF7398607CB0F2D21675EA9EA1E4" + "362B7C3C6773516318A077D7FC5073AE" + "6A2CC3787889374FBEB4C81B17BA6C44"));
    }

    [TestCase(SrtpKeyDerivation.RtpEncryption, "C61E7A93744F39EE10734AFE3FF7A087")]
    [TestCase(SrtpKeyDerivation.RtpSalt, "30CBBC08863D8C85D49DB34A9AE1")]
    [TestCase(SrtpKeyDerivation.RtpAuthentication, "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")]
    public void Key_derivation_is_RFC_3711_B3(byte label, string expected)
    {
        var key = new byte[expected.Length / 2];
        SrtpKeyDerivation.Derive(MasterKey, MasterSalt, label, key);
        Assert.That(Convert.ToHexString(key), Is.EqualTo(expected));
    }

    [Test]
    public void Protects_and_unprotects_libsrtps_reference_RTP_packet()
    {
        using var context = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, MasterKey, MasterSalt);
        const string plain = "800F1234DECAFBADCAFEBABE" + "ABABABABABABABABABABABABABABABAB";
        const string protectedPacket = "800F1234DECAFBADCAFEBABE" + "4E55DC4CE79978D88CA4D215949D2402" + "B78D6ACC99EA179B8DBB";
        var buffer = new byte[64];
        Convert.FromHexString(plain).CopyTo(buffer, 0);
        int n = context.ProtectRtp(buffer, plain.Length / 2);
        Assert.That(Convert.ToHexString(buffer, 0, n), Is.EqualTo(protectedPacket));

        using var receiver = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, MasterKey, MasterSalt);
        Assert.That(receiver.UnprotectRtp(buffer, n, out int plainLength), Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Convert.ToHexString(buffer, 0, plainLength), Is.EqualTo(plain));
    }

    [Test]
    public void Protects_and_unprotects_libsrtps_reference_RTCP_packet()
    {
        using var context = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, MasterKey, MasterSalt);
        const string plain = "81C8000BCAFEBABE" + "ABABABABABABABABABABABABABABABAB";
        // libsrtp's reference carries SRTCP index 1: our first packet has index 0, the second 1.
        const string protectedPacket = "81C8000BCAFEBABE" + "7128035BE487B9BDBEF89041F977A5A8" + "80000001" + "993E08CD54D6C1230798";
        var buffer = new byte[64];
        Convert.FromHexString(plain).CopyTo(buffer, 0);
        context.ProtectRtcp(buffer, plain.Length / 2);
        Convert.FromHexString(plain).CopyTo(buffer, 0);
        int n = context.ProtectRtcp(buffer, plain.Length / 2);
        Assert.That(Convert.ToHexString(buffer, 0, n), Is.EqualTo(protectedPacket));

        using var receiver = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, MasterKey, MasterSalt);
        Assert.That(receiver.UnprotectRtcp(buffer, n, out int plainLength), Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Convert.ToHexString(buffer, 0, plainLength), Is.EqualTo(plain));
    }
}
