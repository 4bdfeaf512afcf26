using Microsoft.Extensions.Time.Testing;
using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;
using Telephony.ContactCenter.Supervision;

namespace Telephony.ContactCenter.Tests;

public sealed class SupervisorDeskTests
{
    private FakeTimeProvider _time = null!;
    private InProcessSeatStore _store = null!;
    private SupervisorDesk _desk = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        _store = new InProcessSeatStore();
        _desk = new SupervisorDesk(_store, _time);
        await _store.EnsureSeatsAsync(["1001", "1002"], _time.GetUtcNow());
        foreach (var (ext, agent) in new[] { ("1001", "li"), ("1002", "wang") })
        {
            await _store.LoginAsync(ext, agent, ["zh"], _time.GetUtcNow());
            await _store.TransitionAsync(new SeatTransitionRequest(ext, AgentState.Ready), _time.GetUtcNow());
        }
        await _store.TryReserveAsync(["zh"], "c1", _time.GetUtcNow());
        await _store.TransitionAsync(new SeatTransitionRequest("1001", AgentState.Ringing), _time.GetUtcNow());
        await _store.TransitionAsync(new SeatTransitionRequest("1001", AgentState.OnCall), _time.GetUtcNow());
    }

    [Test]
    public async Task Monitor_then_whisper_then_barge_on_a_live_call()
    {
        var monitor = await _desk.StartAsync("sup1", "1001", SupervisionMode.Monitor);
        Assert.That(monitor.Command, Is.EqualTo(new SupervisionCommand("sup1", "c1", "1001", "li", SupervisionMode.Monitor, _time.GetUtcNow())));
        var barge = await _desk.StartAsync("sup1", "1001", SupervisionMode.Barge);
        Assert.That(barge.Command!.Mode, Is.EqualTo(SupervisionMode.Barge));
        Assert.That(_desk.Active, Has.Count.EqualTo(1), "one supervision per supervisor");
        var stop = _desk.Stop("sup1");
        Assert.That((stop.Command!.CallId, stop.Command.Mode), Is.EqualTo(("c1", (SupervisionMode?)null)));
        Assert.That(_desk.Stop("sup1").Error, Is.EqualTo(SupervisionError.NotSupervising));
    }

    [Test]
    public async Task Only_calls_in_progress_can_be_supervised()
    {
        Assert.That((await _desk.StartAsync("sup1", "1002", SupervisionMode.Monitor)).Error, Is.EqualTo(SupervisionError.NotOnCall));
        Assert.That((await _desk.StartAsync("sup1", "9999", SupervisionMode.Monitor)).Error, Is.EqualTo(SupervisionError.UnknownSeat));
        Assert.That(() => _desk.StartAsync("sup1", "1001", (SupervisionMode)42), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task Many_may_listen_but_only_one_may_speak()
    {
        Assert.That((await _desk.StartAsync("sup1", "1001", SupervisionMode.Whisper)).Succeeded, Is.True);
        Assert.That((await _desk.StartAsync("sup2", "1001", SupervisionMode.Barge)).Error, Is.EqualTo(SupervisionError.CallTaken));
        Assert.That((await _desk.StartAsync("sup2", "1001", SupervisionMode.Monitor)).Succeeded, Is.True);
        var detached = _desk.CallEnded("c1");
        Assert.That(detached.Select(d => d.SupervisorId), Is.EquivalentTo(new[] { "sup1", "sup2" }));
        Assert.That(detached.Select(d => d.Mode), Is.All.Null);
        Assert.That(_desk.Active, Is.Empty);
    }
}
