using Telephony.Cases.Staff;

namespace Telephony.Cases.Tests;

/// <summary>
/// The staff tables (issue 14, migration 16): seeding only empty tables, upserts that say whether the row existed,
/// deletes, and the version every write bumps. Part of the store contract (SQLite and PostgreSQL).
/// </summary>
public abstract partial class CaseStoreContract
{
    private static readonly StaffSeed Seed = new(
        [new StaffUser("admin", "admin", null, null, "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", "S1", Demo: true)],
        [new StaffAgent("1001", "Agent 1001", ["zh", "general"])],
        [new StaffSeat("1001", "test.local", "md5", "sha", Demo: true)],
        [new StaffQueue("general", """{"name":"general","skills":["general"]}""")]);

    [Test]
    public async Task Staff_tables_are_seeded_once_written_row_by_row_and_versioned()
    {
        var start = await Store.GetStaffVersionAsync();
        Assert.That(await Store.SeedStaffAsync(Seed, Monday9), Is.EqualTo(StaffTables.Users | StaffTables.Agents | StaffTables.Seats | StaffTables.Queues));
        var seeded = await Store.GetStaffAsync();
        Assert.That(seeded.Version, Is.GreaterThan(start));
        Assert.That(seeded.Users.Single(), Is.EqualTo(Seed.Users[0]));
        Assert.That(seeded.Agents.Single().Skills, Is.EqualTo(new[] { "zh", "general" }));
        Assert.That(seeded.Seats.Single(), Is.EqualTo(Seed.Seats[0]));
        Assert.That(seeded.Queues.Single(), Is.EqualTo(Seed.Queues[0]));

        var other = Seed with { Agents = [new StaffAgent("9999", "Nobody", ["zh"])] };
        Assert.That(await Store.SeedStaffAsync(other, Monday9), Is.EqualTo(StaffTables.None), "tables with rows are never seeded again");
        Assert.That(await Store.GetStaffVersionAsync(), Is.EqualTo(seeded.Version));

        var guest = new StaffUser("leader", "supervisor", null, null, "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", "S2", RosterDate: new DateOnly(2026, 3, 12));
        var created = await Store.SaveUserAsync(guest, "admin", Monday9);
        var updated = await Store.SaveUserAsync(guest with { Stamp = "S3" }, "admin", Monday9);
        Assert.That((created.Existed, updated.Existed, updated.Version > created.Version), Is.EqualTo((false, true, true)));
        Assert.That((await Store.GetStaffAsync()).Users.Single(u => u.Name == "leader"), Is.EqualTo(guest with { Stamp = "S3" }));

        Assert.That((await Store.SaveAgentAsync(new StaffAgent("1001", "Li Wei", ["zh", "en"]), "admin", Monday9)).Existed, Is.True);
        Assert.That((await Store.SaveSeatAsync(new StaffSeat("1002", "test.local", "m", "s"), "admin", Monday9)).Existed, Is.False);
        Assert.That((await Store.SaveQueueAsync(new StaffQueue("night", """{"skills":["general"]}"""), "admin", Monday9)).Existed, Is.False);
        var now = await Store.GetStaffAsync();
        Assert.That((now.Agents.Single().Name, now.Seats.Count, now.Queues.Count), Is.EqualTo(("Li Wei", 2, 2)));

        var deleted = await Store.DeleteAgentAsync("1001");
        Assert.That((deleted.Existed, deleted.Version > now.Version), Is.EqualTo((true, true)));
        Assert.That((await Store.DeleteAgentAsync("1001")).Existed, Is.False);
        Assert.That((await Store.DeleteSeatAsync("1002")).Existed, Is.True);
        Assert.That((await Store.DeleteQueueAsync("night")).Existed, Is.True);
        Assert.That((await Store.DeleteUserAsync("leader")).Existed, Is.True);
        var end = await Store.GetStaffAsync();
        Assert.That((end.Users.Count, end.Agents.Count, end.Seats.Count, end.Queues.Count), Is.EqualTo((1, 0, 1, 1)));
    }
}
