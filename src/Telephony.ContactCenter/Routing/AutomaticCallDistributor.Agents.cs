using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>Commands from agents' desktops: login, logout, ready, not ready.</summary>
public sealed partial class AutomaticCallDistributor
{
    // ---- agents (from the desktop hub) ----

    /// <summary>
    /// Logs a configured agent in at a seat (NotReady "login"). The agent counts as this node's from now
    /// on: it puts the agent back if the store loses its state.
    /// </summary>
    public Task<SeatResult> LoginAsync(string extension, string agentId) => PostSeat(async () =>
    {
        if (_agents.Find(agentId) is not { } profile)
            return new SeatResult(SeatError.UnknownAgent, null);
        var result = await _store.LoginAsync(extension, agentId, SkillsAtLogin(profile), _time.GetUtcNow()).ConfigureAwait(false);
        if (result.Error == SeatError.UnknownSeat && _options.Seats.Contains(extension, StringComparer.Ordinal))
        {
            // One of our seats is missing: the store lost its state and this node has not noticed yet
            // (its reconnect check is still queued). Restore now rather than answer "no such seat".
            await CheckStoreAsync().ConfigureAwait(false);
            if (_storeDown)
                return new SeatResult(SeatError.StoreUnavailable, null);
            result = await _store.LoginAsync(extension, agentId, SkillsAtLogin(profile), _time.GetUtcNow()).ConfigureAwait(false);
        }
        if (result.Succeeded)
        {
            _agentsHere[agentId] = result.Seat!;
            await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        }
        return result;
    });

    /// <summary>Runs an agent's request in the mailbox; an unreachable store is the answer <see cref="SeatError.StoreUnavailable"/>, not an exception.</summary>
    private Task<SeatResult> PostSeat(Func<Task<SeatResult>> work) => Post(async () =>
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            NoteStoreDown(e);
            return new SeatResult(SeatError.StoreUnavailable, null);
        }
    });

    /// <summary>Logs the agent out (not while a call is reserved, ringing or connected).</summary>
    public Task<SeatResult> LogoutAsync(string extension, string agentId) => PostSeat(async () =>
    {
        var before = await _store.GetSeatAsync(extension).ConfigureAwait(false);
        var result = await _store.LogoutAsync(extension, agentId, _time.GetUtcNow()).ConfigureAwait(false);
        if (!result.Succeeded)
            return result;
        // The store has no guarded logout, so a seat that another node moved out of wrap-up in between
        // could report its end twice; the call-record store keeps the first.
        if (before is { State: SeatState.WrapUp, CallId: { } wrapped })
            await PublishAsync(new WrapUpEnded(wrapped, extension, agentId, result.Seat!.StateSince)).ConfigureAwait(false);
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        return result;
    });

    /// <summary>The agent is ready (from NotReady or WrapUp); the best waiting call is offered at once.</summary>
    public Task<SeatResult> SetReadyAsync(string extension, string agentId) => PostSeat(async () =>
    {
        var result = await TransitionReportingWrapUpAsync(
            new SeatTransitionRequest(extension, SeatState.Ready, ExpectedAgentId: agentId, OnlyFrom: AgentMayLeaveForReady)).ConfigureAwait(false);
        if (!result.Succeeded)
            return result;
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        await DispatchSeatAsync(extension).ConfigureAwait(false);
        return result;
    });

    /// <summary>The agent is not ready, with a reason (from Ready, NotReady or WrapUp).</summary>
    public Task<SeatResult> SetNotReadyAsync(string extension, string agentId, string reason)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > MaxReasonLength)
            throw new ArgumentException($"A NotReady reason of 1..{MaxReasonLength} characters is required.", nameof(reason));
        return PostSeat(async () =>
        {
            var result = await TransitionReportingWrapUpAsync(
                new SeatTransitionRequest(extension, SeatState.NotReady, reason, agentId, OnlyFrom: AgentMayLeaveForNotReady)).ConfigureAwait(false);
            if (result.Succeeded)
                await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
            return result;
        });
    }

    /// <summary>Completes when everything posted so far (including fired timers) has been handled.</summary>
    public Task IdleAsync() => Post(() => Task.FromResult(true));
}
