using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Cases.Tests;

/// <summary>
/// Issue 15's PostgreSQL drill: the case database restarts (a fast shutdown ends every session; the pool still holds
/// the dead connections) while intakes keep coming. Every intake is answered with a case number once the database is
/// back (tried again, not failed) unless the shutdown cut its very commit (then it fails loudly, unacknowledged), and
/// every case acknowledged to a citizen (the SMS carrying its number) is stored.
/// The server is the test's own (<see cref="PostgresServerProcess"/>, ports 43010-43019).
/// </summary>
[NonParallelizable]
public sealed class DatabaseRestartTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Intake_goes_on_through_a_database_restart_and_every_acknowledged_case_is_stored()
    {
        await using var server = await PostgresServerProcess.StartAsync(43010, 43019);
        var store = new SqlCaseStore(SqlDialect.Postgres, server.ConnectionString, NullLogger<SqlCaseStore>.Instance);
        await store.MigrateAsync();
        var harness = new Harness(store, new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(8)));
        var acknowledged = new ConcurrentBag<Case>();
        var failures = new ConcurrentBag<Exception>();
        using var stop = new CancellationTokenSource();

        // Four web forms submitted side by side, one after another, so the pool holds several connections.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    acknowledged.Add(await harness.Service.CreateAsync(new CaseIntake
                    {
                        Channel = CaseChannel.Web, Category = CaseCategory.Consultation, Description = $"writer {w} intake {i}",
                        CitizenPhone = "1380013800" + w,
                    }, Harness.Agent));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(e);
                }
                await Task.Delay(20);
            }
        })).ToList();
        await Task.Delay(1500);
        var beforeRestart = acknowledged.Count;
        await server.RestartAsync();
        await Task.Delay(2000);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        TestContext.Out.WriteLine($"{beforeRestart} cases before the restart, {acknowledged.Count} in all, {failures.Count} failed");
        Assert.That(beforeRestart, Is.GreaterThan(0), "intake ran before the restart");
        Assert.That(acknowledged.Count, Is.GreaterThan(beforeRestart), "and after it");
        // An intake whose COMMIT the shutdown cut (at most one per writer) is the one loud failure allowed: nobody can
        // tell whether it was stored, so it is not tried again and the citizen is told nothing. Anything else was retried.
        Assert.That(failures.Where(f => f is not CaseCommitUncertainException).Select(f => f.GetType().Name + ": " + f.Message), Is.Empty,
            "no intake failed but for a cut commit: each was tried again once the database was back");
        Assert.That(failures, Has.Count.LessThanOrEqualTo(4));
        foreach (var created in acknowledged)
        {
            var stored = await store.GetAsync(created.Id);
            Assert.That((stored?.Number, stored?.Description), Is.EqualTo(((string?)created.Number, (string?)created.Description)), "an acknowledged case is stored");
        }
        var told = harness.Sms.Sent.Select(s => s.Body).ToList();
        Assert.That(told, Has.Count.EqualTo(acknowledged.Count), "one acknowledgement per case, none for a case not stored");
        Assert.That(acknowledged.All(c => told.Count(b => b.Contains(c.Number, StringComparison.Ordinal)) == 1), Is.True, "each acknowledgement names its stored case");
    }
}
