namespace Telephony.Sip.Tests.UserAgent;

public sealed class CallMailboxTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Items_run_one_at_a_time_in_the_order_posted_from_many_threads()
    {
        int running = 0, overlaps = 0;
        var seen = new List<(int Thread, int Item)>();
        var all = new CountdownEvent(4 * 500);
        var mailbox = new CallMailbox(async work =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }
            await work();
            Interlocked.Decrement(ref running);
            all.Signal();
        }, () => null);

        var posters = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 500; i++)
            {
                int item = i;
                Assert.That(mailbox.TryPost(async () =>
                {
                    seen.Add((t, item)); // no lock: the mailbox runs one item at a time
                    if (item % 50 == 0)
                    {
                        await Task.Yield(); // an item that waits keeps the next one waiting
                    }
                }), Is.True);
            }
        })).ToArray();
        await Task.WhenAll(posters);

        Assert.That(all.Wait(Bound), Is.True, "every item ran");
        Assert.That(overlaps, Is.Zero);
        Assert.That(seen, Has.Count.EqualTo(2000));
        foreach (var t in Enumerable.Range(0, 4))
        {
            Assert.That(seen.Where(s => s.Thread == t).Select(s => s.Item), Is.Ordered, $"thread {t}'s items in its order");
        }
    }

    [Test]
    public async Task After_close_nothing_new_is_taken_but_what_was_queued_still_runs()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<int>();
        var mailbox = new CallMailbox(work => work(), () => null);
        Assert.That(mailbox.TryPost(async () => { await gate.Task; ran.Add(1); }), Is.True);
        Assert.That(mailbox.TryPost(() => { ran.Add(2); return Task.CompletedTask; }), Is.True);

        mailbox.Close();
        Assert.That(mailbox.TryPost(() => { ran.Add(3); return Task.CompletedTask; }), Is.False, "refused after close");

        gate.SetResult();
        var deadline = DateTime.UtcNow + Bound;
        while (ran.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        await Task.Delay(50);
        Assert.That(ran, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public async Task An_idle_mailbox_starts_again_when_work_comes_and_opens_a_log_scope_per_run()
    {
        int scopes = 0;
        var done = new SemaphoreSlim(0);
        var mailbox = new CallMailbox(async work => { await work(); done.Release(); }, () =>
        {
            Interlocked.Increment(ref scopes);
            return null;
        });

        for (int round = 0; round < 3; round++)
        {
            Assert.That(mailbox.TryPost(() => Task.CompletedTask), Is.True);
            Assert.That(await done.WaitAsync(Bound), Is.True, $"round {round} ran");
            var deadline = DateTime.UtcNow + Bound;
            while (!mailbox.IsIdle && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            Assert.That(mailbox.IsIdle, Is.True, "the runner returned once the queue was empty");
        }
        Assert.That(scopes, Is.EqualTo(3), "one runner (and one scope) per burst of work, none while idle");
    }
}
