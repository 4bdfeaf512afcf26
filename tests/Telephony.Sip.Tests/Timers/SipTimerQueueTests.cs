namespace Telephony.Sip.Tests.Timers;

public class SipTimerQueueTests
{
    [Test]
    public void Fires_in_due_order_and_only_when_due()
    {
        var clock = new FakeTimeProvider();
        using var queue = new SipTimerQueue(clock);
        var fired = new List<int>();
        queue.Schedule(TimeSpan.FromMilliseconds(500), s => fired.Add((int)s!), 3);
        queue.Schedule(TimeSpan.FromMilliseconds(100), s => fired.Add((int)s!), 1);
        queue.Schedule(TimeSpan.FromMilliseconds(200), s => fired.Add((int)s!), 2);

        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.That(fired, Is.Empty);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(fired, Is.EqualTo(new[] { 1 }));
        clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.That(fired, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(queue.Count, Is.Zero);
    }

    [Test]
    public void Cancelled_timer_does_not_fire_and_cancel_after_fire_returns_false()
    {
        var clock = new FakeTimeProvider();
        using var queue = new SipTimerQueue(clock);
        int fired = 0;
        var a = queue.Schedule(TimeSpan.FromSeconds(1), _ => fired++, null);
        var b = queue.Schedule(TimeSpan.FromSeconds(2), _ => fired += 10, null);
        Assert.That(a.Cancel(), Is.True);
        Assert.That(a.Cancel(), Is.False);
        Assert.That(queue.Count, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(fired, Is.EqualTo(10));
        Assert.That(b.Cancel(), Is.False);
    }

    [Test]
    public void Earlier_timer_scheduled_later_rearms_the_underlying_timer()
    {
        var clock = new FakeTimeProvider();
        using var queue = new SipTimerQueue(clock);
        var fired = new List<string>();
        queue.Schedule(TimeSpan.FromSeconds(32), _ => fired.Add("late"), null);
        queue.Schedule(TimeSpan.FromMilliseconds(500), _ => fired.Add("early"), null);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(fired, Is.EqualTo(new[] { "early" }));
    }

    [Test]
    public void Callback_can_schedule_and_a_throwing_callback_does_not_stop_the_queue()
    {
        var clock = new FakeTimeProvider();
        var errors = new List<Exception>();
        using var queue = new SipTimerQueue(clock, errors.Add);
        int ticks = 0;
        void Tick(object? _)
        {
            ticks++;
            if (ticks < 5) queue.Schedule(TimeSpan.FromMilliseconds(10), Tick, null);
        }
        queue.Schedule(TimeSpan.FromMilliseconds(5), _ => throw new InvalidOperationException("boom"), null);
        queue.Schedule(TimeSpan.FromMilliseconds(10), Tick, null);
        for (int i = 0; i < 10; i++) clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(ticks, Is.EqualTo(5));
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void Many_cancellations_keep_the_heap_bounded()
    {
        var clock = new FakeTimeProvider();
        using var queue = new SipTimerQueue(clock);
        for (int i = 0; i < 10_000; i++)
        {
            queue.Schedule(TimeSpan.FromSeconds(30), _ => { }, null).Cancel();
        }
        Assert.That(queue.Count, Is.Zero);
        Assert.That(queue.HeapSize, Is.LessThan(200));
    }
}
