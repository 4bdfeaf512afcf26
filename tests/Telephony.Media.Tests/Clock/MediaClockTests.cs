namespace Telephony.Media.Tests.Clock;

public class MediaClockTests
{
    private sealed class Recorder : IMediaTickListener
    {
        public List<long> Ticks { get; } = [];
        public void OnTick(long tick) => Ticks.Add(tick);
    }

    private sealed class Throwing : IMediaTickListener
    {
        public void OnTick(long tick) => throw new InvalidOperationException("boom");
    }

    /// <summary>A clock on fake time (origin fixed at its start) with one recording listener.</summary>
    private static (FakeTimeProvider Time, MediaClock Clock, Recorder Listener) StartedWithOneListener(Func<FakeTimeProvider, MediaClock>? create = null)
    {
        var time = new FakeTimeProvider();
        var clock = create?.Invoke(time) ?? new MediaClock(time);
        var listener = new Recorder();
        clock.Add(listener);
        clock.StartAt();
        return (time, clock, listener);
    }

    [Test]
    public void Fires_one_tick_per_20_ms_deadline()
    {
        var (time, clock, listener) = StartedWithOneListener();
        Assert.That(clock.Pump(), Is.EqualTo(0));
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.That(clock.Pump(), Is.EqualTo(0));
        Assert.That(clock.TimeUntilNextTick(), Is.EqualTo(TimeSpan.FromMilliseconds(1)));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(clock.Pump(), Is.EqualTo(1));
        time.Advance(TimeSpan.FromMilliseconds(45));
        Assert.That(clock.Pump(), Is.EqualTo(2));
        Assert.That(listener.Ticks, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(clock.TimeUntilNextTick(), Is.EqualTo(TimeSpan.FromMilliseconds(15)));
    }

    [Test]
    public void Does_not_drift_when_wake_ups_are_late_and_irregular()
    {
        var (time, clock, listener) = StartedWithOneListener();
        var random = new Random(9);
        var elapsed = TimeSpan.Zero;
        // Ten simulated minutes where every wake-up comes 0-3 ms after the deadline it asked for.
        while (elapsed < TimeSpan.FromMinutes(10))
        {
            var step = clock.TimeUntilNextTick() + TimeSpan.FromMicroseconds(random.Next(0, 3000));
            time.Advance(step);
            elapsed += step;
            clock.Pump();
        }

        long expected = (long)(elapsed / MediaClock.FrameDuration);
        Assert.That(clock.Tick, Is.EqualTo(expected), "tick count equals elapsed/20 ms exactly");
        Assert.That(listener.Ticks.Count, Is.EqualTo(expected));
        Assert.That(clock.SkippedTicks, Is.EqualTo(0));
    }

    [Test]
    public void A_long_stall_catches_up_a_few_ticks_and_skips_the_rest()
    {
        var (time, clock, listener) = StartedWithOneListener(t => new MediaClock(t) { MaxCatchUpTicks = 5 });
        time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.That(clock.Pump(), Is.EqualTo(5));
        Assert.That(listener.Ticks, Is.EqualTo(new long[] { 46, 47, 48, 49, 50 }));
        Assert.That(clock.SkippedTicks, Is.EqualTo(45));
        time.Advance(TimeSpan.FromMilliseconds(20));
        clock.Pump();
        Assert.That(listener.Ticks[^1], Is.EqualTo(51), "back on the original grid");
    }

    [Test]
    public void A_failing_listener_does_not_stop_the_others_and_removal_works()
    {
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        var good = new Recorder();
        clock.Add(new Throwing());
        clock.Add(good);
        time.Advance(TimeSpan.Zero);
        clock.StartAt();
        time.Advance(TimeSpan.FromMilliseconds(40));
        clock.Pump();
        Assert.That(good.Ticks, Has.Count.EqualTo(2));
        Assert.That(clock.Remove(good), Is.True);
        Assert.That(clock.Remove(good), Is.False);
        time.Advance(TimeSpan.FromMilliseconds(20));
        clock.Pump();
        Assert.That(good.Ticks, Has.Count.EqualTo(2));
        Assert.That(clock.ListenerCount, Is.EqualTo(1));
    }

    private sealed class Counter : IMediaTickListener
    {
        public int Calls;
        public void OnTick(long tick) => Calls++;
    }

    [Test]
    public void Calls_coming_and_going_cost_the_clock_no_allocation_once_its_copy_has_grown()
    {
        // At 1,000 call setups a second every tick adds and removes listeners; a new array per change was 10 % of all
        // bytes the server allocated (issue 10). Listeners added during a tick are called from the next one; removed
        // ones no more.
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        var calls = Enumerable.Range(0, 1_000).Select(_ => new Counter()).ToArray();
        foreach (var c in calls)
        {
            clock.Add(c);
        }
        clock.StartAt();
        time.Advance(TimeSpan.FromMilliseconds(20));
        clock.Pump(); // the copy grows to 1,000 here
        var spare = new Counter();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            clock.Remove(calls[round]);
            clock.Add(spare);
            time.Advance(TimeSpan.FromMilliseconds(20));
            clock.Pump();
            clock.Remove(spare);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, "bytes allocated by 100 ticks with listeners added and removed");
        Assert.That(calls[0].Calls, Is.EqualTo(1), "removed before the second tick");
        Assert.That(calls[999].Calls, Is.EqualTo(101));
        Assert.That(spare.Calls, Is.EqualTo(100), "added before each tick, removed after it");
        Assert.That(clock.ListenerCount, Is.EqualTo(900));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Background_loop_runs_on_the_time_provider(CancellationToken token)
    {
        var time = new FakeTimeProvider();
        await using var clock = new MediaClock(time);
        var listener = new Recorder();
        clock.Add(listener);
        clock.StartAt(); // fix the origin before the loop runs
        clock.Start();
        // Advance fake time 1 ms at a time. The loop computes its wait and then creates a fake-time
        // delay; when the test moves time in between, that delay is due a step later than the
        // deadline, and only a later step fires it (moving 20 ms at once could leave it waiting forever).
        for (int ms = 0; ms < 1000 && clock.Tick < 10 && !token.IsCancellationRequested; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Delay(1, CancellationToken.None);
        }

        Assert.That(clock.Tick, Is.GreaterThanOrEqualTo(10));
        await clock.DisposeAsync();
        await clock.DisposeAsync(); // twice is harmless
        lock (listener.Ticks)
        {
            // In order and each once (a loop starved for 5+ ticks may skip some: MaxCatchUpTicks).
            Assert.That(listener.Ticks[0], Is.EqualTo(1));
            Assert.That(listener.Ticks, Is.Ordered.Ascending.And.Unique);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task On_the_system_clock_it_ticks_on_its_own_thread()
    {
        await using var clock = new MediaClock();
        var listener = new Recorder();
        clock.Add(listener);
        clock.Start();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (clock.Tick < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(clock.Tick, Is.GreaterThanOrEqualTo(3));
        await clock.DisposeAsync();
        long stopped = clock.Tick;
        await Task.Delay(60);
        Assert.That(clock.Tick, Is.EqualTo(stopped), "no ticks after dispose");
    }
}
