using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Telephony.Media.Rtp;
using Telephony.Media.Rtp.Linux;
using Telephony.Media.Srtp;

namespace Telephony.LoadGen.Media;

/// <summary>
/// One simulated phone: its own RTP stream (SSRC, sequence, timestamp) towards one relay leg.
/// Its packets carry the wall-clock send time (100 ns ticks, like the kernel's receive
/// timestamps) and its id, so the other phone of the call can measure transit and jitter.
/// </summary>
internal sealed class Phone(int id, IPEndPoint relayLeg)
{
    public const int PacketBytes = 12 + 160; // RTP header + 20 ms of PCMU

    public int Id { get; } = id;
    public IPEndPoint RelayLeg { get; } = relayLeg;
    public uint Ssrc { get; } = (uint)Random.Shared.NextInt64(1, uint.MaxValue);

    /// <summary>The phone's SRTP keys (a browser-style leg), or null for plain RTP.</summary>
    public SrtpProtection? Srtp { get; init; }
    public ushort Sequence;
    public uint Timestamp;
    public long SentMeasured;
    public long ReceivedMeasured;
    private long _lastTransit;
    private bool _haveLast;

    /// <summary>Writes the next packet of this phone into <paramref name="packet"/>.</summary>
    public void WriteNext(Span<byte> packet, long sentUtcTicks)
    {
        Sequence++;
        Timestamp += 160;
        RtpWriter.Write(packet, new RtpHeader { PayloadType = 0, SequenceNumber = Sequence, Timestamp = Timestamp, Ssrc = Ssrc }, []);
        packet[12..PacketBytes].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(packet[12..], sentUtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(packet[20..], Id);
    }

    /// <summary>A relayed copy of this phone's packet arrived (one receiver thread per phone).</summary>
    public void OnRelayed(long sentUtcTicks, long arrivedUtcTicks, MeasureWindow window, Histogram jitter, Histogram transit)
    {
        long transitTicks = arrivedUtcTicks - sentUtcTicks;
        if (window.Contains(sentUtcTicks))
        {
            ReceivedMeasured++;
            transit.AddMicros(transitTicks / 10);
            if (_haveLast)
            {
                jitter.AddMicros(Math.Abs(transitTicks - _lastTransit) / 10); // |D(i-1,i)|, RFC 3550 §6.4.1
            }
        }

        _lastTransit = transitTicks;
        _haveLast = true;
    }
}

/// <summary>The measured interval, in wall-clock 100 ns ticks (<see cref="DateTime.UtcNow"/>).</summary>
internal sealed record MeasureWindow(long FromUtcTicks, long ToUtcTicks)
{
    public bool Contains(long utcTicks) => utcTicks >= FromUtcTicks && utcTicks < ToUtcTicks;
}

/// <summary>
/// A generator socket shared by many phones. Sending: every 1 ms slot, the phones due in that
/// slot go out in one sendmmsg(2). Receiving: a dedicated thread wakes every millisecond and
/// drains the socket with recvmmsg(2), taking each packet's arrival time from the kernel
/// (SO_TIMESTAMPNS, stamped when the relay's send delivered it). So the generator's own
/// scheduling does not count as jitter the relay added, and the relay's sends never have to
/// wake a generator thread (a cross-CPU wake-up costs more than the packet on a VM).
/// </summary>
internal sealed unsafe class GeneratorSocket : IDisposable
{
    private const int ReceiveBatch = 64;
    private const int ControlBytes = 64;
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35; // SO_TIMESTAMPNS; the control message type SCM_TIMESTAMPNS has the same value
    private const int SlotBytes = 192;    // one phone's outgoing packet: RTP, or SRTP with its 10-byte tag
    private const int NameBytes = 28;     // sockaddr_in6, the larger of the two

    private readonly List<Phone>[] _bySlot;
    private readonly Thread _receiver;
    private readonly byte* _out;
    private readonly LinuxUdp.MMsgHdr* _outMessages;
    private readonly LinuxUdp.IoVec* _outIov;
    private readonly byte* _outNames;
    private readonly int _capacity;
    private readonly Dictionary<Phone, int> _index = [];
    private readonly Dictionary<int, Phone> _srtpByRelayPort = []; // browser-style phones by their relay leg's port
    private volatile bool _stopping;
    private IReadOnlyList<Phone> _allPhones = [];
    private MeasureWindow _window = new(0, 0);
    private Histogram _jitter = new();
    private Histogram _transit = new();
    private int _priority;

    public GeneratorSocket(IPAddress bind, int maxPhones, int slotsPerFrame)
    {
        Socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 * 1024 * 1024 };
        Socket.Bind(new IPEndPoint(bind, 0));
        int on = 1;
        Socket.SetRawSocketOption(SolSocket, SoTimestampNs, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in on)));
        _bySlot = Enumerable.Range(0, slotsPerFrame).Select(_ => new List<Phone>()).ToArray();
        _capacity = maxPhones;
        _out = (byte*)NativeMemory.AllocZeroed((nuint)(maxPhones * SlotBytes));
        _outMessages = (LinuxUdp.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(maxPhones * sizeof(LinuxUdp.MMsgHdr)));
        _outIov = (LinuxUdp.IoVec*)NativeMemory.AllocZeroed((nuint)(maxPhones * sizeof(LinuxUdp.IoVec)));
        _outNames = (byte*)NativeMemory.AllocZeroed((nuint)(maxPhones * 28));
        _receiver = new Thread(Receive) { IsBackground = true, Name = "rtp-load-receiver" };
    }

    public Socket Socket { get; }
    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public void Add(Phone phone, int slot)
    {
        int i = _index.Count;
        if (i == _capacity)
        {
            throw new InvalidOperationException("generator socket is full");
        }

        _index[phone] = i;
        var name = phone.RelayLeg.Serialize();
        name.Buffer.Span[..name.Size].CopyTo(new Span<byte>(_outNames + (i * 28), 28));
        _outIov[i].Base = _out + (i * SlotBytes);
        _outIov[i].Length = Phone.PacketBytes;
        _outMessages[i].Header.NameLength = (uint)name.Size;
        _bySlot[slot].Add(phone);
        if (phone.Srtp is not null)
        {
            _srtpByRelayPort.Add(phone.RelayLeg.Port, phone);
        }
    }

    /// <summary>Starts receiving; relayed packets are matched to phones by the id they carry.</summary>
    public void StartReceiving(IReadOnlyList<Phone> allPhones, MeasureWindow window, Histogram jitter, Histogram transit, int priority)
    {
        _priority = priority;
        _allPhones = allPhones;
        _window = window;
        _jitter = jitter;
        _transit = transit;
        _receiver.Start();
    }

    /// <summary>Sends the next packet of every phone due in <paramref name="slot"/>, in one system call.</summary>
    public int SendSlot(int slot, MeasureWindow window)
    {
        var phones = _bySlot[slot];
        if (phones.Count == 0)
        {
            return 0;
        }

        long now = DateTime.UtcNow.Ticks;
        for (int k = 0; k < phones.Count; k++)
        {
            var phone = phones[k];
            int i = _index[phone];
            var slotBuffer = new Span<byte>(_out + (i * SlotBytes), SlotBytes);
            phone.WriteNext(slotBuffer, now);
            _outIov[i].Length = (nuint)(phone.Srtp is { } srtp ? srtp.Local.ProtectRtp(slotBuffer, Phone.PacketBytes) : Phone.PacketBytes);
            ref var message = ref _outMessages[k];
            message.Header.Name = _outNames + (i * 28);
            message.Header.NameLength = (uint)(phone.RelayLeg.AddressFamily == AddressFamily.InterNetwork ? 16 : 28);
            message.Header.Iov = &_outIov[i];
            message.Header.IovLength = 1;
            if (window.Contains(now))
            {
                phone.SentMeasured++;
            }
        }

        int sent = 0;
        while (sent < phones.Count)
        {
            int n = LinuxUdp.sendmmsg(Socket.SafeHandle, _outMessages + sent, (uint)Math.Min(phones.Count - sent, 1024), 0);
            if (n <= 0)
            {
                break; // counted as loss by the receivers
            }

            sent += n;
        }

        return sent;
    }

    private void Receive()
    {
        var messages = (LinuxUdp.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(ReceiveBatch * sizeof(LinuxUdp.MMsgHdr)));
        var iov = (LinuxUdp.IoVec*)NativeMemory.AllocZeroed((nuint)(ReceiveBatch * sizeof(LinuxUdp.IoVec)));
        var buffers = (byte*)NativeMemory.AllocZeroed((nuint)(ReceiveBatch * 256));
        var control = (byte*)NativeMemory.AllocZeroed((nuint)(ReceiveBatch * ControlBytes));
        var names = (byte*)NativeMemory.AllocZeroed((nuint)(ReceiveBatch * NameBytes));
        int fd = LinuxUdp.Descriptor(Socket);
        if (_priority > 0)
        {
            LinuxUdp.TrySetRealtimePriority(_priority);
        }

        try
        {
            for (int k = 0; k < ReceiveBatch; k++)
            {
                iov[k].Base = buffers + (k * 256);
                iov[k].Length = 256;
                messages[k].Header.Iov = &iov[k];
                messages[k].Header.IovLength = 1;
                messages[k].Header.Control = control + (k * ControlBytes);
                messages[k].Header.Name = names + (k * NameBytes);
            }

            while (!_stopping)
            {
                for (int k = 0; k < ReceiveBatch; k++)
                {
                    messages[k].Header.ControlLength = ControlBytes;
                    messages[k].Header.NameLength = NameBytes;
                }

                int n = LinuxUdp.recvmmsg(fd, messages, ReceiveBatch, LinuxUdp.MsgDontWait, null);
                if (n <= 0)
                {
                    LinuxUdp.SleepUntil(Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000));
                    continue; // drained: look again in a millisecond
                }

                long fallback = DateTime.UtcNow.Ticks;
                for (int k = 0; k < n; k++)
                {
                    if (messages[k].Length < 24)
                    {
                        continue;
                    }

                    if (_srtpByRelayPort.Count > 0 && !TryUnprotect(names + (k * NameBytes), new Span<byte>(buffers + (k * 256), (int)messages[k].Length)))
                    {
                        continue;
                    }

                    var packet = new ReadOnlySpan<byte>(buffers + (k * 256), 24);
                    int id = BinaryPrimitives.ReadInt32LittleEndian(packet[20..]);
                    if ((uint)id < (uint)_allPhones.Count)
                    {
                        long arrived = KernelTimestamp(in messages[k].Header) ?? fallback;
                        _allPhones[id].OnRelayed(BinaryPrimitives.ReadInt64LittleEndian(packet[12..]), arrived, _window, _jitter, _transit);
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(messages);
            NativeMemory.Free(iov);
            NativeMemory.Free(buffers);
            NativeMemory.Free(control);
            NativeMemory.Free(names);
        }
    }

    // A packet from a browser-style phone's relay leg is SRTP (or SRTCP, rtcp-mux: RFC 5761 §4): open it
    // with that phone's keys. The relay leg is known by the source port (sockaddr_in/in6: port at bytes 2-3).
    private bool TryUnprotect(byte* name, Span<byte> packet)
    {
        int port = (name[2] << 8) | name[3];
        if (!_srtpByRelayPort.TryGetValue(port, out var phone))
        {
            return true; // a plain leg's RTP
        }

        if (packet.Length < 2 || packet[0] is < 128 or > 191 || packet[1] is >= 192 and <= 223)
        {
            return false; // SRTCP (not measured), or a late DTLS record
        }

        if (phone.Srtp!.Remote.UnprotectRtp(packet, packet.Length, out _) != SrtpStatus.Ok)
        {
            SrtpRefused++;
            return false;
        }

        return true;
    }

    /// <summary>SRTP packets from browser-style legs that failed authentication here (must stay 0).</summary>
    public long SrtpRefused { get; private set; }

    // struct cmsghdr { size_t len; int level; int type; } then struct timespec (CLOCK_REALTIME).
    private static long? KernelTimestamp(in LinuxUdp.MsgHdr header)
    {
        byte* p = (byte*)header.Control;
        byte* end = p + header.ControlLength;
        while (p + 32 <= end)
        {
            nuint length = *(nuint*)p;
            if (*(int*)(p + 8) == SolSocket && *(int*)(p + 12) == SoTimestampNs)
            {
                long seconds = *(long*)(p + 16);
                long nanos = *(long*)(p + 24);
                return DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanos / 100);
            }

            if (length < 16)
            {
                break;
            }

            p += (length + 7) & ~(nuint)7;
        }

        return null;
    }

    public void Dispose()
    {
        _stopping = true;
        if (_receiver.IsAlive)
        {
            _receiver.Join();
        }

        Socket.Dispose();
        NativeMemory.Free(_out);
        NativeMemory.Free(_outMessages);
        NativeMemory.Free(_outIov);
        NativeMemory.Free(_outNames);
    }
}
