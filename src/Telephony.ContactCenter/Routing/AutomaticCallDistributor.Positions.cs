namespace Telephony.ContactCenter.Routing;

/// <summary>Queue positions and expected waits announced to callers, and events published to desktops.</summary>
public sealed partial class AutomaticCallDistributor
{
    // ---- queue positions ----

    private async Task<QueuePosition?> PositionOfAsync(string callId)
    {
        if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Queued)
            return null;
        var position = await _store.GetQueuePositionAsync(live.Queue.Name, callId).ConfigureAwait(false);
        if (position is null)
            return null;
        var (staffed, ready) = await StaffedAsync(live.Queue).ConfigureAwait(false);
        return new QueuePosition(callId, live.Queue.Name, position.Value, ready ? TimeSpan.Zero : ExpectedWait(live.Queue, position.Value, staffed));
    }

    private async Task AnnouncePositionsAsync(QueueDefinition queue)
    {
        var waiting = _live.Values.Where(l => l.Stage == QueuedCallStage.Queued && l.Queue.Name == queue.Name).ToList();
        if (waiting.Count == 0)
            return;
        var entries = await _store.GetQueueAsync(queue.Name).ConfigureAwait(false);
        var (staffed, ready) = await StaffedAsync(queue).ConfigureAwait(false);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!_live.TryGetValue(entries[i].CallId, out var live) || live.Stage != QueuedCallStage.Queued || live.LastPosition == i + 1)
                continue;
            live.LastPosition = i + 1;
            var position = new QueuePosition(live.Call.CallId, queue.Name, i + 1, ready ? TimeSpan.Zero : ExpectedWait(queue, i + 1, staffed));
            try
            {
                await _calls.QueuePositionChangedAsync(position).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // see OfferAsync
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogOfferFailed(ex, live.Call.CallId, "");
            }
        }
    }

    /// <summary>
    /// How many logged-in agents can take the route, and whether one of them is Ready now (then the wait
    /// is a matter of the next offer, and the expected wait is zero: nothing worth saying).
    /// </summary>
    private async Task<(int Staffed, bool Ready)> StaffedAsync(QueueDefinition queue)
    {
        var seats = (await _store.GetSeatsAsync().ConfigureAwait(false)).Where(s => s.State != SeatState.LoggedOut && s.HasSkills(queue.RequiredSkills)).ToList();
        return (seats.Count, seats.Exists(s => s.State == SeatState.Ready));
    }

    /// <summary>
    /// Expected wait for the N-th caller: N average handle times spread over the logged-in agents who
    /// can take the queue (at least one, so an unstaffed queue still announces something finite).
    /// </summary>
    public static TimeSpan ExpectedWait(QueueDefinition queue, int position, int staffedAgents)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.AverageHandleTime * position / Math.Max(1, staffedAgents);
    }

    // ---- events ----

    private async Task PublishStateAsync(SeatSnapshot seat, string? agentId)
    {
        Remember(seat, agentId);
        await PublishAsync(new SeatStateChanged(seat.Extension, agentId ?? seat.AgentId, seat.State, seat.Reason, seat.CallId, seat.StateSince)).ConfigureAwait(false);
        // An agent removed by an administrator while on a call is logged out as soon as the call has left the seat.
        if (_retiring.Count > 0 && (agentId ?? seat.AgentId) is { } agent && _retiring.Contains(agent)
            && seat.State is SeatState.Ready or SeatState.NotReady or SeatState.WrapUp)
            await LogOutRetiredAsync(seat, agent).ConfigureAwait(false);
    }

    private async Task PublishAsync(DesktopEvent desktopEvent)
    {
        try
        {
            await _desktops.PublishAsync(desktopEvent).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a desktop that cannot be reached must not stop routing
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex, desktopEvent.GetType().Name, desktopEvent.Extension);
        }
    }
}
