using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Telephony.Media.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1): the keystream is AES-ECB over the counter blocks IV, IV+1, ...
/// (the block counter in the IV's last 16 bits), XORed into the data in place. .NET has no AES-CTR, so the
/// counters of a whole packet are built in one buffer and encrypted with one call of a reused ECB
/// transform: nothing is allocated per packet. One instance per key; not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private const int ChunkBlocks = 128; // 2 KiB of keystream per transform call covers any RTP packet

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[ChunkBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[ChunkBlocks * BlockSize];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> (16 bytes, last two zero) into <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        int block = 0;
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(ChunkBlocks, (data.Length + BlockSize - 1) / BlockSize);
            for (int i = 0; i < blocks; i++)
            {
                var counter = _counters.AsSpan(i * BlockSize, BlockSize);
                iv.CopyTo(counter);
                // The IV's low 16 bits are zero (x * 2^16), so the block number never carries (RFC 3711 §4.1.1).
                BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)(block + i));
            }
            int bytes = blocks * BlockSize;
            _ecb.TransformBlock(_counters, 0, bytes, _keystream, 0);
            int n = Math.Min(bytes, data.Length);
            Xor(data[..n], _keystream.AsSpan(0, n));
            data = data[n..];
            block += blocks;
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int words = data.Length / sizeof(ulong);
        var d = MemoryMarshal.Cast<byte, ulong>(data[..(words * sizeof(ulong))]);
        var k = MemoryMarshal.Cast<byte, ulong>(keystream[..(words * sizeof(ulong))]);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] ^= k[i];
        }
        for (int i = words * sizeof(ulong); i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
