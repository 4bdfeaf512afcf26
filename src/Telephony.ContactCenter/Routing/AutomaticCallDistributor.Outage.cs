using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// Riding out a seat-store outage, and putting back what this node holds when the store comes back
/// empty (a Redis restarted without persistence).
/// Why each node restores its own share: the store is shared, but no node can know another's calls
/// (their SIP legs and mailboxes live there) or whose desktops it serves; each node does know exactly
/// what it holds — the configured seats, the agents who logged in through it with the last seat state
/// it saw, and its calls in the ACD with their original arrival time and priority — so the union of
/// every node's share is the store's state again. Restores go through the same atomic checks as a
/// login (<see cref="ISeatStore.RestoreAsync"/>), so two nodes can never both put an agent at one seat.
/// How an emptied store is noticed: the store's epoch (a key written with the first seats) is gone or
/// new. It is read when the client reconnects (<see cref="ISeatStore.ConnectionRestored"/>, the fast
/// path) and every <see cref="AcdOptions.StoreCheckInterval"/> on the ACD's one timer (the safety net:
/// another node may have re-created the seats before this node's reconnect).
/// While the store is away: calls that leave the IVR stay with this node (the caller already hears
/// music) and are queued when it returns; agents' requests are refused with
/// <see cref="SeatError.StoreUnavailable"/>; a connected call goes on (its media never touches the
/// store). The log says once that the store went away and once that it is back.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    /// <summary>The NotReady reason of a restored seat whose call this node no longer knows.</summary>
    public const string RestoredReason = "restored after seat-store outage";

    private readonly Dictionary<string, SeatSnapshot> _agentsHere = new(StringComparer.Ordinal); // mailbox only
    private string? _epoch;     // mailbox only: the store's epoch when this node last had all it holds in the store
    private bool _storeDown;    // mailbox only: for one log line per change of outage state

    /// <summary>True while the seat store cannot be reached (as last seen by this node).</summary>
    public bool StoreUnavailable => Volatile.Read(ref _storeDown);

    private void ScheduleStoreCheck() => _timers.Schedule(_options.StoreCheckInterval, () => PostFromTimer(async () =>
    {
        try
        {
            await CheckStoreAsync().ConfigureAwait(false);
            if (!_storeDown)
                await ParkLostDesktopsAsync().ConfigureAwait(false);
        }
        finally
        {
            ScheduleStoreCheck();
        }
    }));

    private void OnStoreReconnected(object? sender, EventArgs e) => PostFromTimer(CheckStoreAsync);

    /// <summary>Checks the store now (as on a reconnect); completes when done. For tests and tools.</summary>
    public Task CheckStoreNowAsync() => Post(async () =>
    {
        await CheckStoreAsync().ConfigureAwait(false);
        return true;
    });

    /// <summary>Records that the store is away; logs only the change from reachable to away.</summary>
    private void NoteStoreDown(SeatStoreUnavailableException e)
    {
        if (_storeDown)
            return;
        Volatile.Write(ref _storeDown, true);
        LogStoreDown(e.Message, _live.Count, _agentsHere.Count);
    }

    /// <summary>
    /// Reads the store's epoch: unreachable, nothing to do yet; the same epoch, queue the calls that came
    /// during the outage; gone or new, restore this node's seats, agents and calls.
    /// </summary>
    private async Task CheckStoreAsync()
    {
        try
        {
            var epoch = await _store.GetEpochAsync().ConfigureAwait(false);
            if (_storeDown)
            {
                Volatile.Write(ref _storeDown, false);
                LogStoreBack();
            }
            if (epoch is null || epoch != _epoch)
                await RestoreAsync().ConfigureAwait(false);
            else
                await QueueHeldCallsAsync().ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            NoteStoreDown(e);
        }
    }

    /// <summary>Puts back the seats, this node's agents (as they were) and its calls (in their order).</summary>
    private async Task RestoreAsync()
    {
        var now = _time.GetUtcNow();
        var epoch = await _store.EnsureSeatsAsync(_options.Seats, now).ConfigureAwait(false);
        LogStoreEmptied(_agentsHere.Count, _live.Values.Count(l => l.Stage == QueuedCallStage.Queued));
        foreach (var (agent, seat) in _agentsHere.ToList())
        {
            var target = RestoredState(seat);
            var restored = await _store.RestoreAsync(target, now).ConfigureAwait(false);
            if (restored.Succeeded)
            {
                await PublishStateAsync(restored.Seat!, agent).ConfigureAwait(false);
                continue;
            }
            // Someone else sits there now (another node's agent logged in first): this agent is logged
            // out, and their desktop is told so.
            _agentsHere.Remove(agent);
            LogRestoreRefused(agent, seat.Extension, restored.Error);
            await PublishAsync(new SeatStateChanged(seat.Extension, agent, SeatState.LoggedOut, RestoredReason, null, now)).ConfigureAwait(false);
        }
        foreach (var live in _live.Values)
            live.InStore = false;
        _epoch = epoch;
        await QueueHeldCallsAsync().ConfigureAwait(false);
        foreach (var seat in _agentsHere.Values.Where(s => s.State == SeatState.Ready).Select(s => s.Extension).ToList())
            await DispatchSeatAsync(seat).ConfigureAwait(false);
    }

    /// <summary>What a seat this node held becomes again: its call states only for a call this node still has.</summary>
    private SeatSnapshot RestoredState(SeatSnapshot seat)
    {
        if (seat.CallId is { } callId && _live.TryGetValue(callId, out var live) && live.Extension == seat.Extension)
        {
            return live.Stage switch
            {
                QueuedCallStage.Connected => seat with { State = SeatState.OnCall, Reason = null },
                QueuedCallStage.Offered => seat with { State = SeatState.Ringing, Reason = null },
                _ => seat with { State = SeatState.NotReady, Reason = RestoredReason, CallId = null },
            };
        }
        return seat.State switch
        {
            SeatState.Ready or SeatState.NotReady => seat with { CallId = null },
            // Its wrap-up timer (here or on the call's node) is guarded by the call id, so it still ends it.
            SeatState.WrapUp when seat.CallId is not null => seat,
            _ => seat with { State = SeatState.NotReady, Reason = RestoredReason, CallId = null },
        };
    }

    /// <summary>Queues (again) the calls waiting here that the store does not have, in their original order, then routes them.</summary>
    private async Task QueueHeldCallsAsync()
    {
        var held = _live.Values.Where(l => l.Stage == QueuedCallStage.Queued && !l.InStore)
            .OrderBy(l => l.Entry.EnqueuedAt).ThenBy(l => l.Call.CallId, StringComparer.Ordinal).ToList();
        if (held.Count == 0)
            return;
        foreach (var live in held)
        {
            // The original entry: same priority and arrival time, so the original wait order holds.
            await _store.EnqueueAsync(live.Entry).ConfigureAwait(false);
            live.InStore = true;
        }
        LogHeldCallsQueued(held.Count);
        foreach (var route in held.Select(l => l.Queue).DistinctBy(q => q.Name).ToList())
            await DispatchQueueAsync(route).ConfigureAwait(false);
    }

    /// <summary>Keeps this node's view of one of its agents' seats (every seat result this node publishes passes here).</summary>
    private void Remember(SeatSnapshot seat, string? agentId)
    {
        var agent = seat.AgentId ?? agentId;
        if (agent is null || !_agentsHere.ContainsKey(agent))
            return;
        if (seat.State == SeatState.LoggedOut)
            _agentsHere.Remove(agent);
        else
            _agentsHere[agent] = seat;
    }

    /// <summary>Updates this node's view of its agent at <paramref name="extension"/> when the store could not be told.</summary>
    private void RememberWhileDown(string? agentId, string extension, SeatState state, string? callId)
    {
        if (agentId is not null && _agentsHere.TryGetValue(agentId, out var seat) && seat.Extension == extension)
            _agentsHere[agentId] = seat with { State = state, Reason = state == SeatState.NotReady ? RestoredReason : null, CallId = callId, StateSince = _time.GetUtcNow() };
    }
}
