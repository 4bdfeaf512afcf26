using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Media.Rtp.Linux;

/// <summary>Gets the datagrams of one socket registered with an <see cref="RtpReceiveLoop"/>.</summary>
public interface IDatagramHandler
{
    /// <param name="datagram">The datagram; valid only during the call (the loop reuses the buffer).</param>
    /// <param name="from">The sender; valid only during the call (copy it to keep it).</param>
    /// <param name="arrivalTicks">When the batch holding it was read (<see cref="Stopwatch.GetTimestamp"/>).</param>
    void OnDatagram(Span<byte> datagram, SocketAddress from, long arrivalTicks);
}

/// <summary>
/// Receives every RTP and RTCP socket of the node on a few dedicated threads (Linux): each
/// thread waits on its own epoll(7) set and reads a ready socket with one recvmmsg(2) of up to
/// <see cref="BatchSize"/> datagrams into buffers it owns, then hands each datagram to the
/// socket's handler on that thread. Against one async receive per socket this saves the
/// thread-pool hop, the async state machine and the per-operation bookkeeping of .NET's socket
/// engine, which cost more than the relaying itself (docs/benchmarks.md). Handlers run on the
/// loop thread and must not block: the bridge, statistics and a recorder's copy do not.
/// </summary>
public sealed class RtpReceiveLoop : IDisposable
{
    /// <summary>Most datagrams read from one socket per system call.</summary>
    public const int BatchSize = 8;

    private readonly Worker[] _workers;
    private int _next = -1;

    /// <param name="threads">Receive threads (each with its own epoll set); sockets are spread round-robin.</param>
    /// <param name="realtimePriority">
    /// SCHED_FIFO priority for the threads (1–99), or 0 for the normal scheduler. Media threads of
    /// telephony servers run real-time so a packet is relayed when it arrives, not when another
    /// thread's time slice ends: on a busy node that wait is what makes jitter. Refused without
    /// CAP_SYS_NICE; the loop then logs it once and runs on the normal scheduler.
    /// </param>
    public RtpReceiveLoop(int threads = 1, ILogger? logger = null, int realtimePriority = 0)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("the RTP receive loop needs 64-bit Linux (epoll, recvmmsg)");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var log = logger ?? NullLogger.Instance;
        _workers = new Worker[threads];
        for (int i = 0; i < threads; i++)
        {
            _workers[i] = new Worker(i, log, realtimePriority);
        }
    }

    /// <summary>Whether this platform has the loop (64-bit Linux); elsewhere sessions use async receives.</summary>
    public static bool IsSupported => LinuxUdp.IsSupported;

    public int Threads => _workers.Length;

    /// <summary>Datagrams read since start, over all threads.</summary>
    public long Datagrams
    {
        get
        {
            long sum = 0;
            foreach (var w in _workers)
            {
                sum += Volatile.Read(ref w.DatagramCount);
            }

            return sum;
        }
    }

    /// <summary>A thread for the next session: its RTP and RTCP sockets should share it.</summary>
    public int PickThread() => (int)((uint)Interlocked.Increment(ref _next) % (uint)_workers.Length);

    /// <summary>
    /// Starts delivering <paramref name="socket"/>'s datagrams to <paramref name="handler"/> on
    /// thread <paramref name="thread"/>. The socket must stay open until the returned
    /// registration's <see cref="Registration.DisposeAsync"/> has completed.
    /// </summary>
    public Registration Register(int thread, Socket socket, IDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)thread, (uint)_workers.Length);
        return _workers[thread].Add(socket, handler);
    }

    /// <summary>Stops the threads; registrations still open complete their disposal at once.</summary>
    public void Dispose()
    {
        foreach (var w in _workers)
        {
            w.Dispose();
        }
    }

    /// <summary>One socket's membership in a loop thread's epoll set.</summary>
    public sealed class Registration : IAsyncDisposable
    {
        private readonly Worker _worker;
        private readonly int _slot;
        private int _disposed;

        internal Registration(Worker worker, int slot)
        {
            _worker = worker;
            _slot = slot;
        }

        /// <summary>
        /// Takes the socket out of the set. Completes once the loop thread has dropped it, so
        /// the handler is not called afterwards and the socket may be closed.
        /// </summary>
        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(_worker.Remove(_slot)) : ValueTask.CompletedTask;
    }

    internal sealed unsafe class Worker : IDisposable
    {
        private const int MaxEvents = 256;
        private const int BufferSize = 2048; // RTP from phones fits a 1500-byte MTU; a larger datagram is cut to this, as the async receive path does
        private const int NameSize = 128; // sizeof(struct sockaddr_storage)
        private const ulong WakeSlot = ulong.MaxValue;

        private readonly ILogger _log;
        private readonly int _epoll;
        private readonly int _wake;
        private readonly Thread _thread;
        private readonly Lock _gate = new();
        private readonly Stack<int> _free = new();
        private readonly Queue<(int Slot, TaskCompletionSource Done)> _removals = new();
        private Entry?[] _entries = new Entry?[64];
        private int _used;
        private volatile bool _stopping;
        private bool _stopped;
        public long DatagramCount;

        // Native memory owned by the thread: events, and BatchSize message headers with their
        // buffers and source addresses, all reused for every socket.
        private readonly byte* _events;
        private readonly LinuxUdp.MMsgHdr* _messages;
        private readonly LinuxUdp.IoVec* _iovecs;
        private readonly byte* _buffers;
        private readonly byte* _names;
        private readonly SocketAddress _from4 = new(AddressFamily.InterNetwork);
        private readonly SocketAddress _from6 = new(AddressFamily.InterNetworkV6);

        private readonly int _realtimePriority;

        public Worker(int index, ILogger log, int realtimePriority)
        {
            _log = log;
            _realtimePriority = realtimePriority;
            _epoll = LinuxUdp.epoll_create1(LinuxUdp.EpollCloexec);
            if (_epoll < 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }

            _wake = LinuxUdp.eventfd(0, LinuxUdp.EfdNonblock | LinuxUdp.EfdCloexec);
            if (_wake < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                LinuxUdp.close(_epoll);
                throw new SocketException(error);
            }

            _events = (byte*)NativeMemory.AllocZeroed((nuint)(MaxEvents * LinuxUdp.EpollEventSize));
            _messages = (LinuxUdp.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(LinuxUdp.MMsgHdr)));
            _iovecs = (LinuxUdp.IoVec*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(LinuxUdp.IoVec)));
            _buffers = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * BufferSize));
            _names = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * NameSize));
            for (int i = 0; i < BatchSize; i++)
            {
                _iovecs[i].Base = _buffers + (i * BufferSize);
                _iovecs[i].Length = BufferSize;
                _messages[i].Header.Iov = &_iovecs[i];
                _messages[i].Header.IovLength = 1;
                _messages[i].Header.Name = _names + (i * NameSize);
            }

            byte* ev = stackalloc byte[16];
            LinuxUdp.WriteEpollEvent(ev, LinuxUdp.EpollIn, WakeSlot);
            if (LinuxUdp.epoll_ctl(_epoll, LinuxUdp.EpollCtlAdd, _wake, ev) != 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }

            _thread = new Thread(Run) { IsBackground = true, Name = $"rtp-receive-{index}", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        public Registration Add(Socket socket, IDatagramHandler handler)
        {
            int fd = LinuxUdp.Descriptor(socket);
            int slot;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_stopping, this);
                if (!_free.TryPop(out slot))
                {
                    slot = _used++;
                    if (slot == _entries.Length)
                    {
                        var grown = new Entry?[_entries.Length * 2];
                        _entries.CopyTo(grown, 0);
                        Volatile.Write(ref _entries, grown);
                    }
                }

                Volatile.Write(ref _entries[slot], new Entry(fd, handler));
            }

            byte* ev = stackalloc byte[16];
            LinuxUdp.WriteEpollEvent(ev, LinuxUdp.EpollIn, (ulong)slot);
            if (LinuxUdp.epoll_ctl(_epoll, LinuxUdp.EpollCtlAdd, fd, ev) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                lock (_gate)
                {
                    _entries[slot] = null;
                    _free.Push(slot);
                }

                throw new SocketException(error);
            }

            return new Registration(this, slot);
        }

        public Task Remove(int slot)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_stopped)
                {
                    _entries[slot] = null;
                    return Task.CompletedTask;
                }

                _removals.Enqueue((slot, done));
            }

            Wake();
            return done.Task;
        }

        private void Wake()
        {
            ulong one = 1;
            LinuxUdp.write(_wake, &one, sizeof(ulong));
        }

        private void Run()
        {
            if (_realtimePriority > 0)
            {
                int refused = LinuxUdp.TrySetRealtimePriority(_realtimePriority);
                if (refused == 0)
                {
                    RtpLog.ReceiveThreadRealtime(_log, Thread.CurrentThread.Name, _realtimePriority);
                }
                else
                {
                    RtpLog.ReceiveThreadRealtimeRefused(_log, Thread.CurrentThread.Name, refused);
                }
            }

            int errors = 0;
            while (!_stopping)
            {
                int ready = LinuxUdp.epoll_wait(_epoll, _events, MaxEvents, -1);
                if (ready < 0)
                {
                    int error = Marshal.GetLastPInvokeError();
                    if (error != LinuxUdp.EIntr && errors++ < 10)
                    {
                        RtpLog.EpollWaitFailed(_log, error);
                    }

                    continue;
                }

                var entries = Volatile.Read(ref _entries);
                for (int i = 0; i < ready; i++)
                {
                    ulong data = LinuxUdp.ReadEpollData(_events + (i * LinuxUdp.EpollEventSize));
                    if (data == WakeSlot)
                    {
                        ulong count;
                        LinuxUdp.read(_wake, &count, sizeof(ulong));
                        continue;
                    }

                    if (data < (ulong)entries.Length && entries[data] is { } entry)
                    {
                        ReadSocket(entry);
                    }
                }

                ApplyRemovals();
            }

            ApplyRemovals();
        }

        // Level-triggered: one batch per wake-up per socket keeps a flooded socket from
        // starving the others; what is left is reported again by the next epoll_wait.
        private void ReadSocket(Entry entry)
        {
            for (int k = 0; k < BatchSize; k++)
            {
                _messages[k].Header.NameLength = NameSize;
            }

            int count = LinuxUdp.recvmmsg(entry.Descriptor, _messages, BatchSize, LinuxUdp.MsgDontWait, null);
            if (count <= 0)
            {
                return; // EAGAIN after a spurious wake-up, or an ICMP error reported on the socket
            }

            long now = Stopwatch.GetTimestamp();
            Interlocked.Add(ref DatagramCount, count);
            for (int k = 0; k < count; k++)
            {
                var header = _messages[k].Header;
                int length = (int)Math.Min(_messages[k].Length, BufferSize);
                var from = header.NameLength <= 16 ? _from4 : _from6;
                int nameLength = (int)Math.Min(header.NameLength, (uint)from.Buffer.Length);
                new ReadOnlySpan<byte>(header.Name, nameLength).CopyTo(from.Buffer.Span);
                from.Size = nameLength;
                var datagram = new Span<byte>(_buffers + (k * BufferSize), length);
                try
                {
                    entry.Handler.OnDatagram(datagram, from, now);
                }
#pragma warning disable CA1031 // one faulty handler must not stop every other session's media
                catch (Exception e)
#pragma warning restore CA1031
                {
                    RtpLog.LoopHandlerFailed(_log, e, entry.Handler.GetType().Name);
                }
            }
        }

        private void ApplyRemovals()
        {
            while (true)
            {
                (int Slot, TaskCompletionSource Done) removal;
                lock (_gate)
                {
                    if (!_removals.TryDequeue(out removal))
                    {
                        return;
                    }

                    if (_entries[removal.Slot] is { } entry)
                    {
                        LinuxUdp.epoll_ctl(_epoll, LinuxUdp.EpollCtlDel, entry.Descriptor, null);
                        _entries[removal.Slot] = null;
                        _free.Push(removal.Slot);
                    }
                }

                removal.Done.TrySetResult();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_stopping)
                {
                    return;
                }

                _stopping = true;
            }

            Wake();
            _thread.Join();
            lock (_gate)
            {
                _stopped = true;
                while (_removals.TryDequeue(out var removal))
                {
                    removal.Done.TrySetResult();
                }
            }

            LinuxUdp.close(_wake);
            LinuxUdp.close(_epoll);
            NativeMemory.Free(_events);
            NativeMemory.Free(_messages);
            NativeMemory.Free(_iovecs);
            NativeMemory.Free(_buffers);
            NativeMemory.Free(_names);
        }

        private sealed record Entry(int Descriptor, IDatagramHandler Handler);
    }
}
