using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Telephony.Media;
using Telephony.Media.Bridge;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;

namespace Telephony.Benchmarks;

/// <summary>
/// The relay hot path of one bridged packet: validate, statistics, symmetric-RTP check, bridge
/// rewrite (SSRC/seq/ts/PT), optional recorder tap, and the sendto(2) to the other leg.
/// <c>Send=false</c> leaves the far leg without an address so only our CPU work is measured.
/// </summary>
[MemoryDiagnoser]
public class RtpRelayBenchmarks
{
    private RtpPortPool _pool = null!;
    private RtpSession _leg0 = null!;
    private RtpSession _leg1 = null!;
    private RtpBridge _bridge = null!;
    private Socket _sink = null!;
    private readonly byte[] _packet = new byte[12 + 160];
    private SocketAddress _from = null!;
    private ushort _seq;

    [Params(false, true)]
    public bool WithTap { get; set; }

    [Params(false, true)]
    public bool Send { get; set; }

    /// <summary>A recorder-like tap: copies each payload into a ring buffer.</summary>
    private sealed class CopyingTap : IRtpTap
    {
        private readonly byte[] _ring = new byte[64 * 1024];
        private int _at;

        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
        {
            if (_at + rtpPacket.Length > _ring.Length)
            {
                _at = 0;
            }

            rtpPacket.CopyTo(_ring.AsSpan(_at));
            _at += rtpPacket.Length;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new RtpPortPool(IPAddress.Loopback, 33000, 33099);
        _leg0 = RtpSession.TryOpen(_pool, new RtpSessionOptions(), out _)!;
        _leg1 = RtpSession.TryOpen(_pool, new RtpSessionOptions(), out _)!;
        _sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var caller = new IPEndPoint(IPAddress.Loopback, 40000);
        _leg0.SetRemote(caller);
        if (Send)
        {
            _leg1.SetRemote((IPEndPoint)_sink.LocalEndPoint!);
        }

        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 101, TelephoneEventPayloadTypes = [101] };
        _bridge = new RtpBridge(_leg0, format, _leg1, format, WithTap ? new CopyingTap() : null);
        _from = caller.Serialize();
        RtpWriter.Write(_packet, new RtpHeader { PayloadType = 0, Ssrc = 0x11111111 }, new byte[160]);
    }

    [Benchmark]
    public void RelayOnePacket()
    {
        // The bridge rewrote the header in place last time: put the caller's header back.
        _seq++;
        RtpWriter.SetSsrc(_packet, 0x11111111);
        RtpWriter.SetSequenceNumber(_packet, _seq);
        RtpWriter.SetTimestamp(_packet, _seq * 160u);
        _leg0.ProcessRtp(_packet, _from, Stopwatch.GetTimestamp());
        if (Send && (_seq & 63) == 0)
        {
            Drain();
        }
    }

    private void Drain()
    {
        Span<byte> buffer = stackalloc byte[256];
        while (_sink.Available > 0)
        {
            _sink.Receive(buffer);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bridge.Dispose();
        _leg0.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _leg1.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sink.Dispose();
    }
}

/// <summary>
/// One packet through real sockets: a phone sends to leg 0, the session's receive loop relays
/// it, the other phone receives it (one-way latency of the whole relay incl. both kernels' UDP paths).
/// </summary>
[MemoryDiagnoser]
public class RtpRelayLoopbackBenchmarks
{
    private RtpSession _leg0 = null!;
    private RtpSession _leg1 = null!;
    private RtpBridge _bridge = null!;
    private Socket _caller = null!;
    private Socket _agent = null!;
    private readonly byte[] _packet = new byte[12 + 160];
    private readonly byte[] _receive = new byte[256];
    private SocketAddress _to = null!;
    private ushort _seq;

    [GlobalSetup]
    public void Setup()
    {
        var pool = new RtpPortPool(IPAddress.Loopback, 33100, 33199);
        _leg0 = RtpSession.TryOpen(pool, new RtpSessionOptions(), out _)!;
        _leg1 = RtpSession.TryOpen(pool, new RtpSessionOptions(), out _)!;
        _caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _agent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _agent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _leg0.SetRemote((IPEndPoint)_caller.LocalEndPoint!);
        _leg1.SetRemote((IPEndPoint)_agent.LocalEndPoint!);
        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0 };
        _bridge = new RtpBridge(_leg0, format, _leg1, format);
        _leg0.Start();
        _leg1.Start();
        _to = _leg0.LocalRtpEndPoint.Serialize();
        RtpWriter.Write(_packet, new RtpHeader { PayloadType = 0, Ssrc = 0x22222222 }, new byte[160]);
    }

    [Benchmark]
    public int RelayThroughSockets()
    {
        _seq++;
        RtpWriter.SetSequenceNumber(_packet, _seq);
        RtpWriter.SetTimestamp(_packet, _seq * 160u);
        _caller.SendTo(_packet, SocketFlags.None, _to);
        return _agent.Receive(_receive);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bridge.Dispose();
        _leg0.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _leg1.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _caller.Dispose();
        _agent.Dispose();
    }
}
