using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Telephony.Media.Srtp;

namespace Telephony.Benchmarks;

/// <summary>
/// Where an SRTP packet's time goes: the AES-CM keystream of a 160-byte payload, and the HMAC-SHA1 tag of
/// a 176-byte message by our keyed-state HMAC and by the platform's three APIs (all OpenSSL on Linux).
/// </summary>
[MemoryDiagnoser]
public class SrtpPartsBenchmarks
{
    private readonly byte[] _data = new byte[182];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _mac = new byte[20];
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(20);
    private AesCounterMode _cm = null!;
    private IncrementalHash _hmac = null!;
    private HMACSHA1 _hmacObj = null!;
    private HmacSha1 _ours = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cm = new AesCounterMode(RandomNumberGenerator.GetBytes(16));
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, _key);
        _hmacObj = new HMACSHA1(_key);
        _ours = new HmacSha1(_key);
    }

    [Benchmark]
    public void AesCm160() => _cm.Apply(_iv, _data.AsSpan(12, 160));

    [Benchmark]
    public void IncrementalHmac()
    {
        _hmac.AppendData(_data.AsSpan(0, 172));
        _hmac.AppendData(_iv.AsSpan(0, 4));
        _hmac.TryGetHashAndReset(_mac, out _);
    }

    [Benchmark]
    public void OurHmac() => _ours.Compute(_data.AsSpan(0, 172), _iv.AsSpan(0, 4), _mac);

    [Benchmark]
    public void OneShotHmac() => HMACSHA1.TryHashData(_key, _data.AsSpan(0, 176), _mac, out _);

    [Benchmark]
    public void HmacObjectTryCompute() => _hmacObj.TryComputeHash(_data.AsSpan(0, 176), _mac, out _);
}
