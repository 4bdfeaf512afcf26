using Telephony.ContactCenter.Timing;

namespace Telephony.ContactCenter.Tests;

public sealed class TimerSchedulerTests
{
    [Test]
    public void Entries_fire_in_due_order_and_only_when_due()
    {
        var time = new FakeTimeProvider();
        using var scheduler = new TimerScheduler(time);
        var fired = new List<string>();
        scheduler.Schedule(TimeSpan.FromSeconds(30), () => fired.Add("wrap-up"));
        scheduler.Schedule(TimeSpan.FromSeconds(20), () => fired.Add("ring"));
        scheduler.Schedule(TimeSpan.FromSeconds(20), () => fired.Add("ring-2"));

        time.Advance(TimeSpan.FromSeconds(19));
        Assert.That(fired, Is.Empty);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(new[] { "ring", "ring-2" }));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(fired, Is.EqualTo(new[] { "ring", "ring-2", "wrap-up" }));
        Assert.That(scheduler.Pending, Is.Zero);
    }

    [Test]
    public void A_cancelled_entry_never_fires_and_an_earlier_one_rearms_the_timer()
    {
        var time = new FakeTimeProvider();
        using var scheduler = new TimerScheduler(time);
        var fired = new List<string>();
        var late = scheduler.Schedule(TimeSpan.FromSeconds(60), () => fired.Add("late"));
        scheduler.Schedule(TimeSpan.FromSeconds(5), () => fired.Add("early"));
        late.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(fired, Is.EqualTo(new[] { "early" }));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(fired, Is.EqualTo(new[] { "early" }));
    }
}
