using System.Collections.Concurrent;

namespace Telephony.LoadGen.Day;

/// <summary>One call's timeline as the driver saw it: the caller's end (times on this host's clock) and the agent's.</summary>
internal sealed class DayCall(PlannedCall plan, string number, Lane lane)
{
    public PlannedCall Plan { get; } = plan;
    public string Number { get; } = number;
    /// <summary>The lane actually taken (a listed number busy in another call falls back to the menu or the general lane).</summary>
    public Lane Lane { get; } = lane;
    public DateTimeOffset? InviteSentAt { get; set; }
    /// <summary>The system answered (the 2xx reached the caller): the call is offered.</summary>
    public DateTimeOffset? EstablishedAt { get; set; }
    /// <summary>The server refused the call for capacity (503).</summary>
    public bool Refused { get; set; }
    /// <summary>When the call entered its queue (the pop's time minus its wait; server clock, same host).</summary>
    public DateTimeOffset? EnqueuedAt { get; set; }
    /// <summary>When the ACD offered the call to an agent (the pop's own stamp, server clock).</summary>
    public DateTimeOffset? PoppedAt { get; set; }
    public DateTimeOffset? AgentConnectedAt { get; set; }
    public string? Seat { get; set; }
    /// <summary>The caller gave up waiting and hung up.</summary>
    public DateTimeOffset? AbandonedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>The seat left wrap-up (the hub's answer to Ready/NotReady: its state time, server clock).</summary>
    public DateTimeOffset? WrapUpEndedAt { get; set; }
    public string? Failure { get; set; }
    public TaskCompletionSource AgentConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The agent's side is done with the call (wrap-up over, or the call never reached it).</summary>
    public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The live calls by caller number (a number is in one live call at a time) and every call placed.</summary>
internal sealed class DayCallBook
{
    private readonly ConcurrentDictionary<string, DayCall> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DayCall> _all = new();

    public IReadOnlyList<DayCall> All => [.. _all];

    public void Add(DayCall call)
    {
        _live[call.Number] = call;
        _all.Enqueue(call);
    }

    public void Remove(DayCall call) => _live.TryRemove(new KeyValuePair<string, DayCall>(call.Number, call));

    public bool InUse(string number) => _live.ContainsKey(number);

    /// <summary>The live call of a caller number as a pop or a From header names it (the server may add a prefix: the last 11 digits decide).</summary>
    public DayCall? ByNumber(string? number)
    {
        if (number is null)
            return null;
        var digits = new string([.. number.Where(char.IsAsciiDigit)]);
        return digits.Length >= 11 && _live.TryGetValue(digits[^11..], out var call) ? call : null;
    }
}
