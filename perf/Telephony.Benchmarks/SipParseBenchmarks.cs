using System.Buffers;
using BenchmarkDotNet.Attributes;
using Telephony.Sip.Messages;
using Telephony.Tests.Shared;

namespace Telephony.Benchmarks;

/// <summary>Parse (and parse + serialise) of tests/Shared/TestData/invite.txt, the 922-byte INVITE with SDP.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SipParseBenchmarks
{
    private byte[] _invite = [];
    private readonly ArrayBufferWriter<byte> _writer = new(4096);

    [GlobalSetup]
    public void Setup() => _invite = TestDataFiles.Read("invite.txt");

    /// <summary>Parse into an immutable message (header index only; typed headers lazy).</summary>
    [Benchmark(Baseline = true)]
    public SipMessage Parse()
    {
        SipParser.TryParse(_invite, out var m, out _);
        return m!;
    }

    /// <summary>Parse, then read what a transaction layer reads first: top Via branch, Call-ID, CSeq.</summary>
    [Benchmark]
    public int ParseAndReadKeyHeaders()
    {
        SipParser.TryParse(_invite, out var m, out _);
        return m!.TopVia!.Branch!.Length + m.CallId!.Length + (int)m.CSeq!.Number;
    }

    /// <summary>Parse, then serialise the message to an IBufferWriter.</summary>
    [Benchmark]
    public int ParseAndSerialize()
    {
        SipParser.TryParse(_invite, out var m, out _);
        _writer.ResetWrittenCount();
        m!.WriteTo(_writer);
        return _writer.WrittenCount;
    }

    /// <summary>Parse, copy into a builder (as a proxy/B2BUA would before changing it), serialise.</summary>
    [Benchmark]
    public int ParseRebuildSerialize()
    {
        SipParser.TryParse(_invite, out var m, out _);
        var b = SipRequestBuilder.From((SipRequest)m!);
        _writer.ResetWrittenCount();
        b.WriteTo(_writer);
        return _writer.WrittenCount;
    }
}
