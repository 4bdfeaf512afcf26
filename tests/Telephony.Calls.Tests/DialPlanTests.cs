using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telephony.Calls.Trunks;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Ivr;

namespace Telephony.Calls.Tests;

/// <summary>The one dial plan over the shipped directory (migrations), the shipped script and a SQLite store.</summary>
public sealed class DialPlanTests
{
    // Monday 2026-12-07 10:00 in the centre (+08:00), and Sunday 2026-12-06 10:00.
    private static readonly DateTimeOffset MondayMorning = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SundayMorning = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);

    private string _folder = null!;
    private SqlCaseStore _store = null!;
    private FakeTimeProvider _time = null!;
    private Refusals _log = null!;
    private DialPlan _plan = null!;

    [SetUp]
    public async Task SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("dialplan-").FullName;
        _store = new SqlCaseStore(SqlDialect.Sqlite, $"Data Source={Path.Combine(_folder, "cases.db")}", NullLogger<SqlCaseStore>.Instance);
        await _store.MigrateAsync();
        _time = new FakeTimeProvider(SundayMorning);
        _log = new Refusals();
        var scripts = IvrScriptProvider.LoadOrThrow(CallsFixture.ShippedScript(), NullLogger<IvrScriptProvider>.Instance);
        var trunks = new TrunkPolicy(new TrunkOptions { OutboundUri = "sip:{number}@carrier.example" }, ["12345"]);
        _plan = new DialPlan(trunks, scripts, _store, _store, _store, _time, _log);
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [TestCase("110", DialTargetKind.Emergency)]
    [TestCase("119", DialTargetKind.Emergency)]
    [TestCase("120", DialTargetKind.Emergency)]
    [TestCase("122", DialTargetKind.Emergency)]
    [TestCase("12348", DialTargetKind.PartnerHotline)]
    [TestCase("66120001", DialTargetKind.Department)]
    public async Task Directory_entries_may_be_dialled_through_the_trunk(string number, DialTargetKind kind)
    {
        _time.SetUtcNow(MondayMorning);
        var r = await _plan.ResolveAsync(number, DialPurpose.Conference, new DialContext("c1", "agent1", "13800000000"));
        Assert.That(r.Refusal, Is.Null);
        Assert.That((r.Target!.Kind, r.Target.Uri), Is.EqualTo((kind, $"sip:{number}@carrier.example")));
    }

    [Test]
    public async Task A_department_is_refused_outside_its_hours_but_an_emergency_service_never()
    {
        var department = await _plan.ResolveAsync("66120001", DialPurpose.Transfer, new DialContext("c1", "agent1"));
        Assert.That(department.Refusal, Does.Contain("Mon-Fri 9:00-17:00").And.Contain("closed now"));
        Assert.That((await _plan.ResolveAsync("110", DialPurpose.Transfer, new DialContext("c1", "agent1"))).Allowed, Is.True);
        Assert.That((await _plan.ResolveAsync("66120010", DialPurpose.Transfer, new DialContext("c1", "agent1"))).Allowed, Is.True, "the police duty line answers 24 h");
    }

    [Test]
    public async Task A_number_no_citizen_called_from_is_refused_with_a_reason_and_logged()
    {
        var r = await _plan.ResolveAsync("0085212345678", DialPurpose.Transfer, new DialContext("c1", "agent1", "13800000000"));
        Assert.That(r.Allowed, Is.False);
        Assert.That(r.Refusal, Does.Contain("not in the directory"));
        Assert.That(_log.Lines, Has.Some.Contains("0085212345678").And.Contains("agent1").And.Contains("not in the directory"));
        Assert.That((await _plan.ResolveAsync("sip:evil@example.com", DialPurpose.Transfer, new DialContext())).Refusal, Does.Contain("not a phone number"));
    }

    [Test]
    public async Task A_citizen_who_called_or_wrote_to_us_may_be_called_but_not_by_the_ivr()
    {
        await _store.SaveCallRecordAsync(new CallRecord { CallId = "old-call", Caller = "13911112222", Called = "12345", OfferedAt = MondayMorning.AddDays(-3), Outcome = "answered" });
        await _store.CreateAsync(new Case { Channel = CaseChannel.Web, Category = CaseCategory.Consultation, Status = CaseStatus.Registered, Description = "a question", CitizenPhone = "13933334444", CreatedAt = MondayMorning, UpdatedAt = MondayMorning, DueAt = MondayMorning.AddDays(5) }, "web", null);

        Assert.That((await _plan.ResolveAsync("13911112222", DialPurpose.Callback, new DialContext())).Target?.Kind, Is.EqualTo(DialTargetKind.Citizen), "a call record");
        Assert.That((await _plan.ResolveAsync("13933334444", DialPurpose.Callback, new DialContext())).Target?.Kind, Is.EqualTo(DialTargetKind.Citizen), "a case");
        Assert.That((await _plan.ResolveAsync("13955556666", DialPurpose.Transfer, new DialContext("c1", "a", "13955556666"))).Target?.Kind, Is.EqualTo(DialTargetKind.Citizen), "the caller of this call");
        Assert.That((await _plan.ResolveAsync("13911112222", DialPurpose.IvrTransfer, new DialContext())).Allowed, Is.False, "the IVR dials the directory and the script only");
        Assert.That(_plan.ResolveKnown("13911112222", DialPurpose.Transfer, new DialContext()).Allowed, Is.False, "from memory only: the database is not asked");
        Assert.That(_plan.ResolveKnown("110", DialPurpose.Transfer, new DialContext()).Allowed, Is.True);
    }

    [Test]
    public async Task Without_an_outbound_trunk_nothing_goes_out()
    {
        var scripts = IvrScriptProvider.LoadOrThrow(CallsFixture.ShippedScript(), NullLogger<IvrScriptProvider>.Instance);
        var plan = new DialPlan(new TrunkPolicy(new TrunkOptions(), ["12345"]), scripts, _store, _store, _store, _time, _log);
        Assert.That((await plan.ResolveAsync("110", DialPurpose.Conference, new DialContext())).Refusal, Does.Contain("Trunks:OutboundUri"));
    }

    [TestCase("24 h", "2026-12-06T03:00", true)]
    [TestCase("Mon-Fri 9:00-17:00", "2026-12-07T10:00", true)]
    [TestCase("Mon-Fri 9:00-17:00", "2026-12-07T17:00", false)]
    [TestCase("Mon–Fri 9:00–17:00", "2026-12-06T10:00", false)]
    [TestCase("Sat-Sun 8:30-12:00", "2026-12-06T08:30", true)]
    [TestCase("mornings", "2026-12-06T10:00", null)]
    public void Hours_are_read_as_people_write_them(string hours, string local, bool? open) =>
        Assert.That(OpeningHours.IsOpen(hours, DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(open));

    private sealed class Refusals : ILogger<DialPlan>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{eventId.Id} {formatter(state, exception)}");
    }
}
