using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// An agent's desktop (their hub connection) vanished. The desktop is not the phone: a call in
/// progress rides on the seat's SIP leg and goes on to its end. But no new call may reach an agent
/// who cannot see a screen-pop or press Ready, so, as contact centers do, the seat goes NotReady
/// (<see cref="DesktopLostReason"/>) — at once when Ready, or when its call or wrap-up ends instead of
/// going Ready (a NotReady seat keeps its reason) — and the agent is logged out if the desktop does not
/// come back within <see cref="AcdOptions.DesktopGrace"/> (a reconnect in time keeps the login; the
/// agent chooses Ready). Only the node that served the desktop knows it is gone, so these records are
/// this node's; when the call was another node's, that node's wrap-up timer makes the seat Ready and
/// the next store check here (<see cref="AcdOptions.StoreCheckInterval"/>) parks it again.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    /// <summary>The NotReady reason of a seat whose agent's desktop went away.</summary>
    public const string DesktopLostReason = "desktop disconnected";

    private readonly Dictionary<string, IDisposable> _desktopLost = new(StringComparer.Ordinal); // mailbox only: agent → grace timer

    /// <summary>The agent's last desktop connection on this node closed or dropped.</summary>
    public Task DesktopLostAsync(string agentId) => Post(async () =>
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        try
        {
            if (await _store.FindSeatOfAgentAsync(agentId).ConfigureAwait(false) is not { } ext
                || await _store.GetSeatAsync(ext).ConfigureAwait(false) is not { } seat)
                return true;
            if (_desktopLost.Remove(agentId, out var old))
                old.Dispose();
            _desktopLost[agentId] = ScheduleDesktopGrace(agentId);
            if (seat.CallId is { } callId)
            {
                LogDesktopLostOnCall(agentId, ext, callId, seat.State); // OnCall, ringing or wrap-up: that goes on to its end
            }
            else
            {
                LogDesktopLost(agentId, ext, seat.State);
                if (seat.State == SeatState.Ready)
                    await ParkForLostDesktopAsync(ext, agentId).ConfigureAwait(false);
            }
        }
        catch (SeatStoreUnavailableException e)
        {
            NoteStoreDown(e); // nothing to move now; the grace timer still logs the agent out
            if (!_desktopLost.ContainsKey(agentId))
                _desktopLost[agentId] = ScheduleDesktopGrace(agentId);
        }
        return true;
    });

    /// <summary>A desktop of the agent connected to this node: a lost desktop is back, and the login stays.</summary>
    public Task DesktopBackAsync(string agentId) => Post(() =>
    {
        if (_desktopLost.Remove(agentId, out var grace))
        {
            grace.Dispose();
            LogDesktopBack(agentId);
        }
        return Task.FromResult(true);
    });

    /// <summary>True when <paramref name="agentId"/>'s desktop is gone (its seat must not go Ready).</summary>
    private bool DesktopGone(string? agentId) => agentId is not null && _desktopLost.ContainsKey(agentId);

    /// <summary>Moves the agent's Ready seat to NotReady (desktop lost).</summary>
    private async Task ParkForLostDesktopAsync(string extension, string agentId)
    {
        var parked = await _store.TransitionAsync(new SeatTransitionRequest(extension, SeatState.NotReady, DesktopLostReason,
            ExpectedAgentId: agentId, OnlyFrom: [SeatState.Ready]), _time.GetUtcNow()).ConfigureAwait(false);
        if (parked.Succeeded)
            await PublishStateAsync(parked.Seat!, agentId).ConfigureAwait(false);
    }

    /// <summary>Parks any seat of an agent without a desktop that another node made Ready (on the store-check timer).</summary>
    private async Task ParkLostDesktopsAsync()
    {
        foreach (var agent in _desktopLost.Keys.ToList())
        {
            if (await _store.FindSeatOfAgentAsync(agent).ConfigureAwait(false) is { } ext
                && await _store.GetSeatAsync(ext).ConfigureAwait(false) is { State: SeatState.Ready })
                await ParkForLostDesktopAsync(ext, agent).ConfigureAwait(false);
        }
    }

    private IDisposable ScheduleDesktopGrace(string agentId) =>
        _timers.Schedule(_options.DesktopGrace, () => PostFromTimer(() => DesktopGraceOverAsync(agentId)));

    /// <summary>The desktop did not come back in time: log the agent out, or after the call they are still on.</summary>
    private async Task DesktopGraceOverAsync(string agentId)
    {
        if (!_desktopLost.Remove(agentId))
            return; // back meanwhile
        if (await _store.FindSeatOfAgentAsync(agentId).ConfigureAwait(false) is not { } ext
            || await _store.GetSeatAsync(ext).ConfigureAwait(false) is not { } seat)
            return;
        if (seat.State is SeatState.Reserved or SeatState.Ringing or SeatState.OnCall)
        {
            _desktopLost[agentId] = ScheduleDesktopGrace(agentId); // still talking on the phone: try again later
            return;
        }
        var before = seat;
        var result = await _store.LogoutAsync(ext, agentId, _time.GetUtcNow()).ConfigureAwait(false);
        if (!result.Succeeded)
            return;
        if (before is { State: SeatState.WrapUp, CallId: { } wrapped })
            await PublishAsync(new WrapUpEnded(wrapped, ext, agentId, result.Seat!.StateSince)).ConfigureAwait(false);
        LogDesktopGraceOver(agentId, ext, (int)_options.DesktopGrace.TotalSeconds);
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        _agentsHere.Remove(agentId);
    }
}
