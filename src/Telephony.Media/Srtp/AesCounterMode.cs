using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Telephony.Media.Srtp;

/// <summary>
/// AES-128 in counter mode (RFC 3711 §4.1.1): the keystream is AES over the counter blocks IV, IV+1, ...
/// (the block number in the IV's last 16 bits), XORed into the data in place. .NET has no AES-CTR, so:
/// on x86 with AES-NI the rounds run here on the key schedule (about 0.2 µs for a G.711 packet, where one
/// call into OpenSSL through <see cref="ICryptoTransform"/> costs microseconds of overhead); elsewhere the
/// counters of a whole packet are built in one buffer and encrypted with one call of a reused ECB
/// transform. Either way nothing is allocated per packet. One instance per key; not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private const int ChunkBlocks = 128; // 2 KiB of keystream per transform call covers any RTP packet
    private const int Rounds = 10;       // AES-128

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly System.Security.Cryptography.Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[]? _counters;
    private readonly byte[]? _keystream;

    public AesCounterMode(ReadOnlySpan<byte> key)
        : this(key, useIntrinsics: AesNi.IsSupported)
    {
    }

    /// <param name="useIntrinsics">False forces the ECB-transform path (tests run both on the same vectors).</param>
    internal AesCounterMode(ReadOnlySpan<byte> key, bool useIntrinsics)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key", nameof(key));
        }
        if (useIntrinsics && AesNi.IsSupported)
        {
            _roundKeys = ExpandKey(key);
            return;
        }
        _aes = System.Security.Cryptography.Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _counters = new byte[ChunkBlocks * BlockSize];
        _keystream = new byte[ChunkBlocks * BlockSize];
    }

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> (16 bytes, last two zero) into <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (_roundKeys is not null)
        {
            ApplyIntrinsics(iv, data);
        }
        else
        {
            ApplyTransform(iv, data);
        }
    }

    private void ApplyIntrinsics(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var keys = _roundKeys!;
        var counter = Vector128.Create(iv).AsUInt16();
        int block = 0;
        ref byte at = ref MemoryMarshal.GetReference(data);
        int whole = data.Length / BlockSize;
        for (; block < whole; block++)
        {
            var stream = Encrypt(Next(counter, block), keys);
            var d = Vector128.LoadUnsafe(ref at, (nuint)(block * BlockSize));
            (d ^ stream).StoreUnsafe(ref at, (nuint)(block * BlockSize));
        }
        int rest = data.Length - (whole * BlockSize);
        if (rest > 0)
        {
            Span<byte> tail = stackalloc byte[BlockSize];
            Encrypt(Next(counter, block), keys).CopyTo(tail);
            var d = data[(whole * BlockSize)..];
            for (int i = 0; i < rest; i++)
            {
                d[i] ^= tail[i];
            }
        }
    }

    // The IV's low 16 bits are zero (x * 2^16), so the block number never carries (RFC 3711 §4.1.1);
    // it goes big-endian into the last two bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Next(Vector128<ushort> counter, int block) =>
        counter.WithElement(7, BinaryPrimitives.ReverseEndianness((ushort)block)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Encrypt(Vector128<byte> block, Vector128<byte>[] keys)
    {
        block ^= keys[0];
        for (int r = 1; r < Rounds; r++)
        {
            block = AesNi.Encrypt(block, keys[r]);
        }
        return AesNi.EncryptLast(block, keys[Rounds]);
    }

    // AES-128 key expansion with AESKEYGENASSIST (Intel's AES-NI white paper, §5.2).
    private static Vector128<byte>[] ExpandKey(ReadOnlySpan<byte> key)
    {
        var keys = new Vector128<byte>[Rounds + 1];
        keys[0] = Vector128.Create(key);
        keys[1] = ExpandStep(keys[0], AesNi.KeygenAssist(keys[0], 0x01));
        keys[2] = ExpandStep(keys[1], AesNi.KeygenAssist(keys[1], 0x02));
        keys[3] = ExpandStep(keys[2], AesNi.KeygenAssist(keys[2], 0x04));
        keys[4] = ExpandStep(keys[3], AesNi.KeygenAssist(keys[3], 0x08));
        keys[5] = ExpandStep(keys[4], AesNi.KeygenAssist(keys[4], 0x10));
        keys[6] = ExpandStep(keys[5], AesNi.KeygenAssist(keys[5], 0x20));
        keys[7] = ExpandStep(keys[6], AesNi.KeygenAssist(keys[6], 0x40));
        keys[8] = ExpandStep(keys[7], AesNi.KeygenAssist(keys[7], 0x80));
        keys[9] = ExpandStep(keys[8], AesNi.KeygenAssist(keys[8], 0x1B));
        keys[10] = ExpandStep(keys[9], AesNi.KeygenAssist(keys[9], 0x36));
        return keys;
    }

    private static Vector128<byte> ExpandStep(Vector128<byte> key, Vector128<byte> assist)
    {
        var word = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ word;
    }

    private void ApplyTransform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var counters = _counters!;
        var keystream = _keystream!;
        int block = 0;
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(ChunkBlocks, (data.Length + BlockSize - 1) / BlockSize);
            for (int i = 0; i < blocks; i++)
            {
                var counter = counters.AsSpan(i * BlockSize, BlockSize);
                iv.CopyTo(counter);
                BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)(block + i));
            }
            int bytes = blocks * BlockSize;
            _ecb!.TransformBlock(counters, 0, bytes, keystream, 0);
            int n = Math.Min(bytes, data.Length);
            Xor(data[..n], keystream.AsSpan(0, n));
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
        if (_roundKeys is not null)
        {
            Array.Clear(_roundKeys);
        }
        _ecb?.Dispose();
        _aes?.Dispose();
    }
}
