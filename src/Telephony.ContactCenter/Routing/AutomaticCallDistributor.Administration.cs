using Microsoft.Extensions.Logging;
using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

// The ACD's administration events own EventIds 4100-4119 (issue 14). Ids are stable: never renumber or reuse one.
// Next free id: 4103.

/// <summary>
/// Live administration (issue 14): queues replaced while calls wait, agents removed while they talk. Nothing here
/// drops a call: a call keeps what it was queued under, and a removed agent finishes the call in hand.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    private readonly HashSet<string> _retiring = new(StringComparer.Ordinal); // mailbox only

    /// <summary>
    /// Makes <paramref name="queues"/> the queues (validated first: throws <see cref="ArgumentException"/> and changes
    /// nothing). Calls queued from now on get the new definitions. Calls already waiting keep the policy they were queued
    /// under (their home queue's maximum wait and overflow steps were scheduled from it), but are matched to agents by
    /// the new skills of their queue; a removed queue takes no new calls while the calls already in it are still served.
    /// </summary>
    public Task ReplaceQueuesAsync(IReadOnlyList<QueueDefinition> queues)
    {
        var set = BuildQueueSet(queues, nameof(queues));
        var table = set.ByName;
        return Post(() =>
        {
            Volatile.Write(ref _queueSet, set);
            // Routes of queues that still exist are derived again from the new definition; those of a removed queue stay
            // known, so the calls waiting in them can still be matched.
            foreach (var route in _routes.Keys.Where(r => table.ContainsKey(r.Split(RouteSeparator)[0])).ToList())
                _routes.Remove(route);
            LogQueuesReplaced(set.Calls.Length);
            return Task.FromResult(true);
        });
    }

    /// <summary>
    /// An administrator removed <paramref name="agentId"/>: if the agent is logged in through this node, an idle seat is
    /// logged out at once, and a seat holding a call (reserved, ringing, talking) when that call has left it. True when
    /// the agent was logged in here. The agent cannot log in again (the directory no longer has them).
    /// </summary>
    public Task<bool> RetireAgentAsync(string agentId) => Post(async () =>
    {
        if (!_agentsHere.TryGetValue(agentId, out var known))
            return false;
        var seat = await _store.GetSeatAsync(known.Extension).ConfigureAwait(false);
        if (seat is null || seat.AgentId != agentId)
        {
            _agentsHere.Remove(agentId);
            return false;
        }
        if (seat.State is SeatState.Reserved or SeatState.Ringing or SeatState.OnCall)
        {
            _retiring.Add(agentId);
            LogRetiringAfterCall(agentId, seat.Extension, seat.CallId ?? "");
            return true;
        }
        await LogOutRetiredAsync(seat, agentId).ConfigureAwait(false);
        return true;
    });

    private async Task LogOutRetiredAsync(SeatSnapshot seat, string agentId)
    {
        _retiring.Remove(agentId);
        var result = await _store.LogoutAsync(seat.Extension, agentId, _time.GetUtcNow()).ConfigureAwait(false);
        if (!result.Succeeded)
            return;
        if (seat is { State: SeatState.WrapUp, CallId: { } wrapped })
            await PublishAsync(new WrapUpEnded(wrapped, seat.Extension, agentId, result.Seat!.StateSince)).ConfigureAwait(false);
        LogRetired(agentId, seat.Extension);
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        _agentsHere.Remove(agentId);
    }

    /// <summary>The call queues and the task queue by name, and the call queues alone.</summary>
    private sealed record QueueSet(Dictionary<string, QueueDefinition> ByName, QueueDefinition[] Calls);

    private QueueSet BuildQueueSet(IEnumerable<QueueDefinition> queues, string parameter)
    {
        var table = BuildQueues(queues, parameter);
        QueueDefinition[] calls = [.. table.Values];
        if (_taskQueue is { } tasks && !table.TryAdd(tasks.Name, tasks))
            throw new ArgumentException($"Task queue '{tasks.Name}' is also a call queue.", parameter);
        return new QueueSet(table, calls);
    }

    private static Dictionary<string, QueueDefinition> BuildQueues(IEnumerable<QueueDefinition> queues, string parameter)
    {
        var table = new Dictionary<string, QueueDefinition>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            if (string.IsNullOrWhiteSpace(queue.Name) || queue.Name.Contains(RouteSeparator, StringComparison.Ordinal))
                throw new ArgumentException($"Queue name '{queue.Name}' is empty or contains '{RouteSeparator}'.", parameter);
            if (!table.TryAdd(queue.Name, queue with { RequiredSkills = SkillNames.Normalize(queue.RequiredSkills) }))
                throw new ArgumentException($"Queue '{queue.Name}' is configured twice.", parameter);
        }
        foreach (var overflow in table.Values.SelectMany(q => q.Policy?.Overflows ?? []))
        {
            if (overflow.Queue is { } target && !table.ContainsKey(target))
                throw new ArgumentException($"Overflow target '{target}' is not a configured queue.", parameter);
        }
        return table;
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Queues replaced by an administrator: {Count} queues; calls already waiting keep the policy they were queued under")] private partial void LogQueuesReplaced(int count);
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Call {CallId}: agent {Agent} at seat {Extension} was removed by an administrator; logged out when this call leaves the seat")] private partial void LogRetiringAfterCall(string agent, string extension, string callId);
    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Agent {Agent} removed by an administrator: logged out of seat {Extension}")] private partial void LogRetired(string agent, string extension);
}
