namespace Telephony.Cases.Tests;

/// <summary>
/// Issue 10, finding 8: phone intake took <c>recordingPath</c> and <c>callId</c> as the client wrote
/// them, so a traversal string was stored and another call's recording could be attached.
/// </summary>
public sealed class IntakeReferenceTests
{
    private static readonly DateTimeOffset Monday9 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private TestDatabase _db = null!;
    private Harness _h = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _db = TestDatabase.Create("sqlite");
        var store = _db.CreateStore();
        await store.MigrateAsync();
        _h = new Harness(store, Monday9);
        await store.SaveCallRecordAsync(new CallRecord { CallId = "c1@pbx", OfferedAt = Monday9, RecordingPath = "/rec/c1.wav" });
        await store.SaveCallRecordAsync(new CallRecord { CallId = "c2@pbx", OfferedAt = Monday9, RecordingPath = "/rec/c2.wav" });
    }

    [TearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    private Task<Case> Intake(string? callId, string? recordingPath) =>
        _h.Service.CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Phone, Category = CaseCategory.Consultation, Description = "water off", CallId = callId, RecordingPath = recordingPath,
        }, Harness.Agent);

    [Test]
    public async Task The_recording_comes_from_the_named_calls_record()
    {
        Assert.That((await Intake("c1@pbx", null)).RecordingPath, Is.EqualTo("/rec/c1.wav"));
        Assert.That((await Intake("c1@pbx", "/rec/c1.wav")).RecordingPath, Is.EqualTo("/rec/c1.wav"), "naming it again is fine");
    }

    [TestCase("c1@pbx", "../../etc/passwd")]
    [TestCase("c1@pbx", "/rec/c2.wav")]
    [TestCase(null, "/rec/c2.wav")]
    public void A_path_that_is_not_the_calls_recording_is_refused(string? callId, string path)
    {
        var e = Assert.ThrowsAsync<CaseValidationException>(() => Intake(callId, path));
        Assert.That(e!.Message, Does.Contain("recordingPath"));
    }

    [TestCase("c1@pbx\r\nX: y")]
    [TestCase("a b")]
    public void A_call_id_with_spaces_or_controls_is_refused(string callId)
    {
        var e = Assert.ThrowsAsync<CaseValidationException>(() => Intake(callId, null));
        Assert.That(e!.Message, Does.Contain("callId"));
    }
}
