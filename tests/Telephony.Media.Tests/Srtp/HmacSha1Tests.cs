using System.Security.Cryptography;
using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Srtp;

/// <summary>Our HMAC-SHA1 against .NET's (OpenSSL's) on every length around the SHA-1 block edges, split anywhere.</summary>
public class HmacSha1Tests
{
    [Test]
    public void Matches_the_platforms_HMAC_SHA1_for_keys_lengths_and_splits()
    {
        var random = new Random(2104);
        foreach (int keyLength in new[] { 0, 1, 20, 63, 64, 65, 100 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            using var ours = new HmacSha1(key);
            foreach (int length in new[] { 0, 1, 4, 55, 56, 63, 64, 65, 119, 120, 128, 176, 186, 1000 })
            {
                var message = new byte[length];
                random.NextBytes(message);
                var expected = HMACSHA1.HashData(key, message);
                var mac = new byte[20];
                foreach (int split in new[] { 0, length / 3, length - Math.Min(4, length), length })
                {
                    ours.Compute(message.AsSpan(0, split), message.AsSpan(split), mac);
                    Assert.That(mac, Is.EqualTo(expected), $"key {keyLength}, message {length}, split {split}");
                }
            }
        }
    }

    [Test]
    public void Rfc_2202_test_case_2()
    {
        using var hmac = new HmacSha1("Jefe"u8);
        var mac = new byte[20];
        hmac.Compute("what do ya want "u8, "for nothing?"u8, mac);
        Assert.That(Convert.ToHexString(mac), Is.EqualTo("EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79"));
    }
}
