using System.Net.Sockets;
using System.Text;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.Media.Tests.WebRtc;

/// <summary>The sample messages of RFC 5769 (§2.1-2.3): parse, MESSAGE-INTEGRITY and FINGERPRINT, and our writer.</summary>
public class StunMessageTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");

    // RFC 5769 §2.1: the padding of USERNAME and SOFTWARE is spaces, on purpose.
    internal static readonly byte[] SampleRequest = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "802200105354554e20746573742063" + "6c69656e74" +
        "002400046e0001ff" +
        "80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020" +
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
        "80280004e57a3bcf");

    private static readonly byte[] SampleIPv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000080001a147e112a643" +
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004c07d4c96");

    private static readonly byte[] SampleIPv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004c8fb0b4c");

    [Test]
    public void Sample_request_parses_with_its_ice_attributes_and_credentials()
    {
        Assert.That(StunMessage.TryParse(SampleRequest, out var m), Is.EqualTo(StunParseError.None));
        var username = Encoding.UTF8.GetString(m.Username);
        (ushort type, uint? priority, ulong? controlled, ulong? controlling, bool fingerprint) = (m.Type, m.Priority, m.IceControlled, m.IceControlling, m.HasFingerprint);
        bool right = m.VerifyIntegrity(Password), wrong = m.VerifyIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8);
        Assert.Multiple(() =>
        {
            Assert.That(type, Is.EqualTo(StunMessageType.BindingRequest));
            Assert.That(username, Is.EqualTo("evtj:h6vY"));
            Assert.That(priority, Is.EqualTo(0x6e0001ffu));
            Assert.That(controlled, Is.EqualTo(0x932ff9b151263b36ul));
            Assert.That(controlling, Is.Null);
            Assert.That(fingerprint, Is.True);
            Assert.That(right, Is.True);
            Assert.That(wrong, Is.False);
        });
    }

    [Test]
    public void Sample_responses_carry_the_mapped_address_and_verify()
    {
        Assert.That(StunMessage.TryParse(SampleIPv4Response, out var v4), Is.EqualTo(StunParseError.None));
        Assert.That(v4.VerifyIntegrity(Password), Is.True);
        Assert.That(v4.GetXorMappedAddress(), Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));

        Assert.That(StunMessage.TryParse(SampleIPv6Response, out var v6), Is.EqualTo(StunParseError.None));
        Assert.That(v6.VerifyIntegrity(Password), Is.True);
        Assert.That(v6.GetXorMappedAddress(), Is.EqualTo(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853)));
    }

    [Test]
    public void Writer_reproduces_the_sample_ipv4_response()
    {
        Assert.That(StunMessage.TryParse(SampleIPv4Response, out var sample), Is.EqualTo(StunParseError.None));
        Span<byte> buffer = stackalloc byte[128];
        var w = new StunWriter(buffer, StunMessageType.BindingSuccess, sample.TransactionId);
        // The sample pads SOFTWARE with a space: write the padded value minus... the same 11 bytes, then compare
        // everything but that one padding byte (we pad with zeros, RFC 8489 §14: padding content is ignored).
        w.AddBytes(StunAttribute.Software, "test vector"u8);
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        w.AddMessageIntegrity(Password);
        w.AddFingerprint();
        byte[] ours = w.Written.ToArray();
        Assert.That(ours, Has.Length.EqualTo(SampleIPv4Response.Length));
        Assert.That(ours.AsSpan(0, 35).SequenceEqual(SampleIPv4Response.AsSpan(0, 35)), Is.True, "header and SOFTWARE");
        Assert.That(ours[35], Is.Zero);
        Assert.That(ours.AsSpan(36, 12).SequenceEqual(SampleIPv4Response.AsSpan(36, 12)), Is.True, "XOR-MAPPED-ADDRESS");
        // HMAC and CRC differ by the padding byte; ours must verify on their own.
        Assert.That(StunMessage.TryParse(ours, out var parsed), Is.EqualTo(StunParseError.None));
        Assert.That(parsed.VerifyIntegrity(Password), Is.True);
    }

    [Test]
    public void Writer_socket_address_matches_endpoint_form()
    {
        var txid = new byte[12];
        Random.Shared.NextBytes(txid);
        foreach (var ep in new[] { new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5004), new IPEndPoint(IPAddress.Parse("fe80::1:2"), 40000) })
        {
            var a = new byte[64];
            var b = new byte[64];
            var wa = new StunWriter(a, StunMessageType.BindingSuccess, txid);
            wa.AddXorMappedAddress(ep);
            var wb = new StunWriter(b, StunMessageType.BindingSuccess, txid);
            wb.AddXorMappedAddress(ep.Serialize());
            Assert.That(a, Is.EqualTo(b));
            Assert.That(StunMessage.TryParse(a.AsSpan(0, wa.Length), out var m), Is.EqualTo(StunParseError.None));
            Assert.That(m.GetXorMappedAddress(), Is.EqualTo(ep));
        }
    }

    [Test]
    public void A_flipped_bit_breaks_fingerprint_or_integrity()
    {
        for (int i = 20; i < SampleRequest.Length - 4; i++)
        {
            var copy = (byte[])SampleRequest.Clone();
            copy[i] ^= 0x10;
            var error = StunMessage.TryParse(copy, out var m);
            bool accepted = error == StunParseError.None && m.VerifyIntegrity(Password);
            Assert.That(accepted, Is.False, $"byte {i}");
        }
    }

    [TestCase(0, StunParseError.TooShort)]
    [TestCase(19, StunParseError.TooShort)]
    public void Short_input_is_refused(int length, StunParseError expected) =>
        Assert.That(StunMessage.TryParse(SampleRequest.AsSpan(0, length), out _), Is.EqualTo(expected));

    [Test]
    public void Fuzzed_input_never_throws()
    {
        var random = new Random(8489);
        var buffer = new byte[600];
        int parsed = 0;
        for (int i = 0; i < 200_000; i++)
        {
            int n;
            if (i % 2 == 0)
            {
                // Mutations of the valid sample: lengths, types, a few random bytes.
                n = Math.Min(SampleRequest.Length + random.Next(-8, 9), buffer.Length);
                n = Math.Max(n, 0);
                SampleRequest.AsSpan(0, Math.Min(n, SampleRequest.Length)).CopyTo(buffer);
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    buffer[random.Next(Math.Max(n, 1))] = (byte)random.Next(256);
                }
            }
            else
            {
                n = random.Next(0, 200);
                random.NextBytes(buffer.AsSpan(0, n));
                if (n >= 8)
                {
                    buffer[0] &= 0x3F;
                    buffer[4] = 0x21; buffer[5] = 0x12; buffer[6] = 0xa4; buffer[7] = 0x42;
                    buffer[2] = (byte)((n - 20) >> 8); buffer[3] = (byte)(n - 20);
                }
            }

            if (StunMessage.TryParse(buffer.AsSpan(0, n), out var m) == StunParseError.None)
            {
                parsed++;
                _ = m.VerifyIntegrity(Password);
                _ = m.GetXorMappedAddress();
                _ = m.Username.Length;
            }
        }
        Assert.That(parsed, Is.GreaterThan(0));
    }

    [Test]
    public void Family_byte_follows_the_socket() =>
        Assert.That(StunMessage.FamilyByte(AddressFamily.InterNetworkV6), Is.EqualTo(2));
}
