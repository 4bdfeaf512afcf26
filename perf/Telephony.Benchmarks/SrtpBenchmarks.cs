using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Telephony.Media.Rtp;
using Telephony.Media.Srtp;

namespace Telephony.Benchmarks;

/// <summary>
/// SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80) on one G.711 packet: 12-byte header and 160-byte payload,
/// in place as the RTP session does it. <c>Protect</c> copies the plain packet into the buffer (as the
/// session copies the sender's packet) and protects it. <c>Unprotect</c> copies one of 1,024 protected
/// packets in and unprotects it; the ring holds two SSRCs of 512 packets each, so every packet is fresh
/// to the receiver (a packet of the other SSRC starts a new stream) and the replay window never refuses one.
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    private const int Ring = 1024;
    private readonly byte[] _plain = new byte[12 + 160];
    private readonly byte[] _buffer = new byte[12 + 160 + 10];
    private readonly byte[][] _protected = new byte[Ring][];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private ushort _seq;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var salt = RandomNumberGenerator.GetBytes(14);
        _sender = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, key, salt);
        _receiver = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, key, salt);
        var payload = new byte[160];
        payload.AsSpan().Fill(0xD5); // A-law silence
        RtpWriter.Write(_plain, new RtpHeader { PayloadType = 8, Ssrc = 0x1234_5678 }, payload);

        using var ringSender = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, key, salt);
        for (int i = 0; i < Ring; i++)
        {
            var packet = new byte[_buffer.Length];
            RtpWriter.Write(packet, new RtpHeader { PayloadType = 8, SequenceNumber = (ushort)(i % 512), Timestamp = (uint)(i % 512) * 160, Ssrc = i < 512 ? 1u : 2u }, payload);
            ringSender.ProtectRtp(packet, _plain.Length);
            _protected[i] = packet;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        _plain.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), _seq++);
        return _sender.ProtectRtp(_buffer, _plain.Length);
    }

    [Benchmark]
    public int Unprotect()
    {
        _protected[_next].CopyTo(_buffer, 0);
        _next = (_next + 1) & (Ring - 1);
        if (!_receiver.TryUnprotectRtp(_buffer, _buffer.Length, out int plain))
        {
            throw new InvalidOperationException("a ring packet was refused");
        }
        return plain;
    }
}
