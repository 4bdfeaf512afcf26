using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Telephony.Media.Rtp.Linux;

/// <summary>
/// The few Linux calls the RTP receive loop needs that .NET does not expose: epoll(7) to wait
/// on thousands of sockets from one thread, eventfd(2) to wake it, and recvmmsg(2)/sendmmsg(2)
/// to move several datagrams per system call. Only LP64 Linux (x86-64, arm64).
/// </summary>
internal static unsafe partial class LinuxUdp
{
    public const int EpollIn = 0x001;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCloexec = 0x80000;
    public const int EfdNonblock = 0x800;
    public const int EfdCloexec = 0x80000;
    public const int MsgDontWait = 0x40;
    public const int EIntr = 4;

    /// <summary>Whether this process can use these calls.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>
    /// struct epoll_event is packed on x86-64 (12 bytes: events, then the 64-bit data at offset
    /// 4) but naturally aligned elsewhere (16 bytes, data at offset 8): see epoll_ctl(2) and
    /// the kernel's EPOLL_PACKED.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr: a message and the byte count the kernel moved.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    public static void WriteEpollEvent(byte* at, uint events, ulong data)
    {
        *(uint*)at = events;
        Unsafe.WriteUnaligned(at + EpollDataOffset, data); // unaligned on x86-64 (offset 4)
    }

    public static ulong ReadEpollData(byte* at) => Unsafe.ReadUnaligned<ulong>(at + EpollDataOffset);

    /// <summary>The socket's descriptor (valid while the socket is open: callers keep it open).</summary>
    public static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    /// <summary>
    /// Sends one datagram without blocking (MSG_DONTWAIT: a full socket buffer drops the packet,
    /// as a congested network would, instead of stalling the thread that relays every call).
    /// False when the kernel refused it or the socket is already closed.
    /// </summary>
    public static bool TrySendTo(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        fixed (byte* data = datagram)
        fixed (byte* address = to.Buffer.Span)
        {
            try
            {
                return sendto(socket.SafeHandle, data, (nuint)datagram.Length, MsgDontWait, address, (uint)to.Size) >= 0;
            }
            catch (ObjectDisposedException)
            {
                return false; // the session closed while a player or the other leg was sending
            }
        }
    }

    /// <summary>
    /// Sleeps until <paramref name="stopwatchTimestamp"/> on CLOCK_MONOTONIC, the clock behind
    /// <see cref="System.Diagnostics.Stopwatch"/> on Linux (nanosecond ticks): an absolute
    /// deadline with microsecond precision, where Thread.Sleep only has whole milliseconds.
    /// </summary>
    public static void SleepUntil(long stopwatchTimestamp)
    {
        long nanos = stopwatchTimestamp * (1_000_000_000 / System.Diagnostics.Stopwatch.Frequency);
        long* time = stackalloc long[2];
        time[0] = nanos / 1_000_000_000;
        time[1] = nanos % 1_000_000_000;
        while (clock_nanosleep(ClockMonotonic, TimerAbstime, time, null) == EIntr)
        {
        }
    }

    /// <summary>
    /// Moves the calling thread to SCHED_FIFO at <paramref name="priority"/> (1–99), so it runs as
    /// soon as a packet wakes it instead of waiting out another thread's time slice. Needs
    /// CAP_SYS_NICE (or an RLIMIT_RTPRIO allowance); returns the errno when refused, 0 on success.
    /// The kernel's RT throttling (sched_rt_runtime_us) still leaves other threads 5 % of a core.
    /// </summary>
    public static int TrySetRealtimePriority(int priority)
    {
        int param = priority;
        return sched_setscheduler(0, SchedFifo, &param) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private const int SchedFifo = 1;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, int* param);

    private const int ClockMonotonic = 1;
    private const int TimerAbstime = 1;

    [LibraryImport("libc")]
    private static partial int clock_nanosleep(int clock, int flags, long* request, long* remain);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, void* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, void* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    /// <summary>recvmmsg(2) on a descriptor the caller keeps open for the duration of the call.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>
    /// sendto(2) through the socket's SafeHandle: the marshaller holds a reference for the call,
    /// so a socket closed by another thread at the same moment cannot have its descriptor number
    /// reused underneath us.
    /// </summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendto(SafeSocketHandle socket, byte* buffer, nuint length, int flags, byte* address, uint addressLength);

    /// <summary>sendmmsg(2): several datagrams, each to its own address, in one call.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(SafeSocketHandle socket, MMsgHdr* messages, uint count, int flags);
}
