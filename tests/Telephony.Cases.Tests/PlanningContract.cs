using Telephony.Cases.Planning;

namespace Telephony.Cases.Tests;

/// <summary>The planner's reading of the call records, in both databases.</summary>
public abstract partial class CaseStoreContract
{
    [Test]
    public async Task Call_records_become_demand_per_half_hour_of_the_week_in_local_time()
    {
        var week = Monday9; // Monday 09:00 +08:00 = 01:00 UTC
        CallRecord Queued(string id, DateTimeOffset at) => new() { CallId = id, OfferedAt = at.AddSeconds(-5), QueuedAt = at };
        var records = new[]
        {
            // Monday 09:00-09:30 (slot 18): two answered (handle 300 + 60 wrap-up, and 200), one abandoned after 40 s.
            Queued("p1", week.AddMinutes(1)) with { AnsweredAt = week.AddMinutes(1).AddSeconds(10), EndedAt = week.AddMinutes(1).AddSeconds(310), WrapUpEndedAt = week.AddMinutes(1).AddSeconds(370), Outcome = "answered" },
            Queued("p2", week.AddMinutes(20)) with { AnsweredAt = week.AddMinutes(20).AddSeconds(20), EndedAt = week.AddMinutes(20).AddSeconds(220), Outcome = "answered" },
            Queued("p3", week.AddMinutes(29)) with { EndedAt = week.AddMinutes(29).AddSeconds(40), Outcome = "abandoned" },
            // The next week, same half hour: one more arrival (turned away by a full queue: demand all the same).
            Queued("p4", week.AddDays(7).AddMinutes(5)) with { EndedAt = week.AddDays(7).AddMinutes(5).AddSeconds(8), Outcome = "queue-full" },
            // Sunday 23:45 local (slot 335).
            Queued("p5", week.AddDays(6).AddHours(14).AddMinutes(45)) with { EndedAt = week.AddDays(6).AddHours(15), Outcome = "abandoned" },
            // Never queued (IVR only): no demand for agents.
            new CallRecord { CallId = "p6", OfferedAt = week, EndedAt = week.AddSeconds(30), Outcome = "ivr" },
        };
        await Store.SaveCallRecordsAsync(records);

        var from = week.AddHours(-9);
        var demand = await Store.GetHalfHourDemandAsync(from, from.AddDays(14), TimeSpan.FromHours(8));
        Assert.That(demand.Select(d => d.Slot), Is.EqualTo(new[] { 18, 335 }));
        Assert.That(demand[0], Is.EqualTo(new HalfHourDemand(18, Arrivals: 4, Answered: 2, Abandoned: 1, Handled: 2, HandleMs: 560_000, QueueMs: 10_000 + 20_000 + 40_000 + 8_000)));
        Assert.That(demand[1] with { Slot = 0 }, Is.EqualTo(new HalfHourDemand(0, 1, 0, 1, 0, 0, 900_000)));

        var plan = StaffingPlanner.Plan(demand, from, from.AddDays(14), TimeSpan.FromHours(8), new StaffingTarget(), now: week.AddMinutes(10), loggedInNow: 7);
        Assert.That(plan.Rows, Has.Count.EqualTo(336));
        var monday9 = plan.Rows[18];
        Assert.That((monday9.Day, monday9.Start, monday9.Arrivals, monday9.HandleSeconds), Is.EqualTo(("Mon", "09:00", 2.0, 280.0)));
        Assert.That(monday9.LoggedInNow, Is.EqualTo(7), "the plan is shown next to the agents logged in now");
        Assert.That(plan.PatienceSeconds, Is.EqualTo((78.0 + 900) / 2), "abandons / total time waited");
        Assert.That(monday9.Answer.Agents, Is.GreaterThanOrEqualTo(1));
        Assert.That(plan.Rows[0].Answer.Agents, Is.Zero, "no calls, no agents");
        var csv = plan.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv, Has.Length.EqualTo(337));
        Assert.That(csv[19], Does.StartWith("Mon,09:00,2,280,0.311,").And.EndWith(",7"));
    }
}
