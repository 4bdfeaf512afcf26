using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Telephony.Media.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104, FIPS 180-4) for the SRTP tag (RFC 3711 §4.2), with the keyed inner and outer
/// states computed once per key. A G.711 packet then costs four SHA-1 blocks and no call out of .NET:
/// through <see cref="IncrementalHash"/> each tag costs microseconds in OpenSSL 3's MAC dispatch and
/// re-initialisation, more than the hashing. Nothing is allocated per message. Not thread-safe.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stackalloc below is written before it is read
internal sealed class HmacSha1 : IDisposable
{
    public const int HashLength = 20;
    private const int BlockLength = 64;

    private readonly uint[] _inner = new uint[5];
    private readonly uint[] _outer = new uint[5];

    public HmacSha1(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockLength];
        block.Clear();
        if (key.Length > BlockLength)
        {
            SHA1.HashData(key, block); // RFC 2104 §2: longer keys are hashed first
        }
        else
        {
            key.CopyTo(block);
        }
        Span<byte> pad = stackalloc byte[BlockLength];
        for (int i = 0; i < BlockLength; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }
        Initial(_inner);
        Compress(_inner, pad);
        for (int i = 0; i < BlockLength; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5C);
        }
        Initial(_outer);
        Compress(_outer, pad);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>HMAC of <paramref name="first"/> followed by <paramref name="second"/> into <paramref name="mac"/> (20 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        Span<uint> state = stackalloc uint[5];
        Span<byte> block = stackalloc byte[BlockLength];
        _inner.CopyTo(state);
        int filled = 0;
        Feed(state, block, ref filled, first);
        Feed(state, block, ref filled, second);
        Finish(state, block, filled, BlockLength + first.Length + second.Length, mac);

        Span<byte> innerHash = stackalloc byte[HashLength];
        mac[..HashLength].CopyTo(innerHash);
        _outer.CopyTo(state);
        innerHash.CopyTo(block);
        Finish(state, block, HashLength, BlockLength + HashLength, mac);
    }

    private static void Feed(Span<uint> state, Span<byte> block, ref int filled, ReadOnlySpan<byte> data)
    {
        if (filled > 0)
        {
            int take = Math.Min(BlockLength - filled, data.Length);
            data[..take].CopyTo(block[filled..]);
            filled += take;
            data = data[take..];
            if (filled < BlockLength)
            {
                return;
            }
            Compress(state, block);
            filled = 0;
        }
        while (data.Length >= BlockLength)
        {
            Compress(state, data[..BlockLength]);
            data = data[BlockLength..];
        }
        data.CopyTo(block);
        filled = data.Length;
    }

    // FIPS 180-4 §5.1.1: 0x80, zeros, and the message length in bits as the last 8 bytes.
    private static void Finish(Span<uint> state, Span<byte> block, int filled, long totalBytes, Span<byte> hash)
    {
        block[filled++] = 0x80;
        if (filled > BlockLength - 8)
        {
            block[filled..].Clear();
            Compress(state, block);
            filled = 0;
        }
        block[filled..(BlockLength - 8)].Clear();
        BinaryPrimitives.WriteInt64BigEndian(block[(BlockLength - 8)..], totalBytes * 8);
        Compress(state, block);
        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash[(4 * i)..], state[i]);
        }
    }

    private static void Initial(Span<uint> state)
    {
        state[0] = 0x67452301;
        state[1] = 0xEFCDAB89;
        state[2] = 0x98BADCFE;
        state[3] = 0x10325476;
        state[4] = 0xC3D2E1F0;
    }

    // FIPS 180-4 §6.1.2, with the 16-word circular schedule.
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (int t = 0; t < 80; t++)
        {
            uint word;
            if (t < 16)
            {
                word = w[t];
            }
            else
            {
                word = BitOperations.RotateLeft(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
                w[t & 15] = word;
            }
            uint f, k;
            if (t < 20)
            {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            }
            else if (t < 40)
            {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            }
            else if (t < 60)
            {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            }
            else
            {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            uint temp = BitOperations.RotateLeft(a, 5) + f + e + k + word;
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }

    public void Dispose()
    {
        Array.Clear(_inner);
        Array.Clear(_outer);
    }
}
