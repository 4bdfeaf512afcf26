using System.Text;

namespace Telephony.Tests.Shared;

/// <summary>
/// Fixed-seed mutations of SIP messages (bit flips, truncation, interesting bytes, duplicated or
/// missing lines, huge values, lying Content-Length). Shared by the parser fuzz test
/// (Telephony.Sip.Tests) and the server's hostile-input test (Telephony.Server.Tests), which link this file.
/// </summary>
internal static class SipMutator
{
    /// <summary>Pure noise, sometimes behind a plausible start line.</summary>
    public static byte[] RandomBytes(Random rng)
    {
        var noise = new byte[rng.Next(2000)];
        rng.NextBytes(noise);
        return rng.Next(2) == 0 ? noise : [.. "INVITE sip:a@b SIP/2.0\r\n"u8, .. noise];
    }

    public static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = new List<byte>(seed);
        var n = 1 + rng.Next(4);
        for (var k = 0; k < n; k++)
        {
            if (data.Count == 0) break;
            var at = rng.Next(data.Count);
            switch (rng.Next(10))
            {
                case 0: // byte flip
                    data[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // random byte
                    data[at] = (byte)rng.Next(256);
                    break;
                case 2: // truncation
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3: // insertion of interesting bytes
                    data.InsertRange(at, Interesting[rng.Next(Interesting.Length)]);
                    break;
                case 4: // duplicate a line
                {
                    var (s, e) = LineAt(data, at);
                    data.InsertRange(s, data.GetRange(s, e - s));
                    break;
                }
                case 5: // remove a line
                {
                    var (s, e) = LineAt(data, at);
                    data.RemoveRange(s, e - s);
                    break;
                }
                case 6: // huge value
                    data.InsertRange(at, Enumerable.Repeat((byte)"a;,\"<%"[rng.Next(6)], 1 + rng.Next(20_000)));
                    break;
                case 7: // delete a run
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + rng.Next(16)));
                    break;
                case 8: // lie about Content-Length
                {
                    var text = Encoding.Latin1.GetString(data.ToArray());
                    var i = text.IndexOf("Content-Length:", StringComparison.OrdinalIgnoreCase);
                    if (i >= 0)
                    {
                        var lies = new[] { "-1", "99999999999999999999", "0", "5000", "1,2", " 3 4", "" };
                        var end = text.IndexOf('\r', i);
                        if (end > i) text = text[..(i + 15)] + " " + lies[rng.Next(lies.Length)] + text[end..];
                        data = [.. Encoding.Latin1.GetBytes(text)];
                    }
                    break;
                }
                default: // swap two bytes
                {
                    var other = rng.Next(data.Count);
                    (data[at], data[other]) = (data[other], data[at]);
                    break;
                }
            }
        }
        return data.ToArray();
    }

    private static readonly byte[][] Interesting =
    [
        "\r\n"u8.ToArray(), "\r\n "u8.ToArray(), "\r\n\r\n"u8.ToArray(), ";"u8.ToArray(), ","u8.ToArray(), "\""u8.ToArray(),
        "<"u8.ToArray(), ">"u8.ToArray(), "%"u8.ToArray(), "%00"u8.ToArray(), "@"u8.ToArray(), ":"u8.ToArray(), "["u8.ToArray(),
        "]"u8.ToArray(), "\\"u8.ToArray(), "\0"u8.ToArray(), "\xff\xfe"u8.ToArray(), "\r"u8.ToArray(), "\n"u8.ToArray(),
        " "u8.ToArray(), "="u8.ToArray(), "?"u8.ToArray(), "sip:"u8.ToArray(), "tel:"u8.ToArray(), "SIP/2.0 "u8.ToArray(), "*"u8.ToArray(),
        ";tag="u8.ToArray(), ";branch=z9hG4bK"u8.ToArray(), ";rport"u8.ToArray(), "4294967296"u8.ToArray(), "[::1]"u8.ToArray(),
        "l: 7\r\n"u8.ToArray(), "Via: SIP/2.0/UDP h\r\n"u8.ToArray(), "Contact: *\r\n"u8.ToArray(),
    ];

    private static (int Start, int End) LineAt(List<byte> data, int at)
    {
        var s = at;
        while (s > 0 && data[s - 1] != '\n') s--;
        var e = at;
        while (e < data.Count && data[e] != '\n') e++;
        if (e < data.Count) e++;
        return (s, e);
    }
}
