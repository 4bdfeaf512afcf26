using System.Globalization;
using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>What a transfer or consultation names.</summary>
public enum TransferTargetKind
{
    /// <summary>An agent, by agent id or by the seat they are logged in at: the call waits for that agent (their personal queue).</summary>
    Agent,

    /// <summary>A queue (ACD queue name): the call waits there for the next agent with its skills.</summary>
    Queue,

    /// <summary>An outside number the dial plan allows (a department's duty line, a partner hotline, 110).</summary>
    Number,
}

/// <summary>Where an agent sends a call: <c>agent:&lt;id or seat&gt;</c>, <c>queue:&lt;name&gt;</c>, or a number.</summary>
public sealed record TransferTarget(TransferTargetKind Kind, string Value)
{
    /// <summary>Reads <c>agent:1050</c>, <c>seat:1050</c>, <c>queue:general</c> or a bare number; null when empty or unknown.</summary>
    public static TransferTarget? Parse(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return new TransferTarget(TransferTargetKind.Number, t);
        }
        var value = t[(colon + 1)..].Trim();
        if (value.Length == 0)
        {
            return null;
        }
        return t[..colon].ToLowerInvariant() switch
        {
            "agent" or "seat" => new TransferTarget(TransferTargetKind.Agent, value),
            "queue" => new TransferTarget(TransferTargetKind.Queue, value),
            "number" or "tel" => new TransferTarget(TransferTargetKind.Number, value),
            _ => null,
        };
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}:{Value}");
}

/// <summary>
/// Blind transfer: the agent sends the citizen to <see cref="Target"/> and leaves (the seat goes to wrap-up).
/// To an agent or a queue the citizen waits with music and the next agent's pop says "transferred from" and
/// carries <see cref="CaseDraft"/>; to a number the agent stays until it answers, then leaves.
/// </summary>
public sealed record BlindTransfer(string AgentId, TransferTarget Target, IReadOnlyDictionary<string, string>? CaseDraft = null) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.BlindTransferAsync(this);
}

/// <summary>
/// Attended transfer, first step: the citizen is put on hold with music and <see cref="Target"/> (an agent or a
/// number) is called; the agent talks to them alone, then completes (<see cref="CompleteTransfer"/>) or cancels
/// (<see cref="CancelTransfer"/>).
/// </summary>
public sealed record ConsultTransfer(string AgentId, TransferTarget Target, IReadOnlyDictionary<string, string>? CaseDraft = null) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.ConsultTransferAsync(this);
}

/// <summary>Attended transfer, done: the consulted party takes the citizen, the agent leaves (wrap-up).</summary>
public sealed record CompleteTransfer(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.CompleteTransferAsync(this);
}

/// <summary>Attended transfer, called off: the consulted party is hung up and the agent has the citizen back.</summary>
public sealed record CancelTransfer(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.CancelTransferAsync(this);
}
