using System.Buffers;
using BenchmarkDotNet.Attributes;
using Telephony.Sip.Messages;

namespace Telephony.Benchmarks;

/// <summary>Parse (and parse + serialise) of shared/bench/invite.txt, the 922-byte INVITE with SDP.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SipParseBenchmarks
{
    private byte[] _invite = [];
    private readonly ArrayBufferWriter<byte> _writer = new(4096);

    [GlobalSetup]
    public void Setup() => _invite = File.ReadAllBytes(FindInvite());

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

    private static string FindInvite()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var p = Path.Combine(dir.FullName, "shared", "bench", "invite.txt");
                if (File.Exists(p)) return p;
            }
        }
        var env = Environment.GetEnvironmentVariable("TELEPHONY_SHARED");
        if (env is not null && File.Exists(Path.Combine(env, "bench", "invite.txt"))) return Path.Combine(env, "bench", "invite.txt");
        throw new FileNotFoundException("shared/bench/invite.txt not found (set TELEPHONY_SHARED)");
    }
}
