using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Telephony.Calls;

/// <summary>
/// A thread of its own for work that blocks: <c>await thread.SwitchTo()</c> continues the caller there, so the
/// synchronous part that follows (SQLite runs every "async" call synchronously, commit and fsync included) holds
/// this thread and not one of the thread pool's. On a 2-core machine the pool starts with two threads and adds
/// one only every ~500 ms of starvation: a commit that stalled on the disk took half of it, and the calls being
/// answered queued behind it until the SIP layer refused new ones with 503 (issue 10: every 503 of a quiet run at
/// 1,000 calls a second was the accept queue; with 16 pool threads there were none). The caller comes back to the
/// pool at its next real wait (a timer, a channel, a socket), as any <c>ConfigureAwait(false)</c> continuation does.
/// </summary>
public sealed class BlockingWorkThread
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    /// <summary>The node's database writers (call records, call traces): one thread, as SQLite has one writer.</summary>
    public static BlockingWorkThread Database { get; } = new("database-writer");

    private BlockingWorkThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>True on this thread.</summary>
    public bool IsCurrent => Thread.CurrentThread == _thread;

    /// <summary>Awaiting it continues on this thread (at once when already on it).</summary>
    public SwitchAwaitable SwitchTo() => new(this);

    private void Run()
    {
        foreach (var continuation in _work.GetConsumingEnumerable())
        {
            continuation(); // an async method's continuation: its exceptions go to its own task
        }
    }

    /// <summary>The awaitable of <see cref="SwitchTo"/>.</summary>
    public readonly struct SwitchAwaitable(BlockingWorkThread thread) : INotifyCompletion
    {
        public SwitchAwaitable GetAwaiter() => this;

        public bool IsCompleted => thread.IsCurrent;

        public void OnCompleted(Action continuation) => thread._work.Add(continuation);

        public void GetResult()
        {
        }
    }
}
