using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.Commands;

namespace Telephony.Server.Agents;

// Transfers from the desk, on the one command path: blind (to an agent, a queue or a number the dial plan
// allows) and attended (consult, then complete or cancel). The case being written travels with the call
// to the next agent's pop (a bounded set of the form's fields).
public sealed partial class AgentHub
{
    private const int MaxDraftFields = 20;
    private const int MaxDraftKey = 40;
    private const int MaxDraftValue = 4000;

    /// <summary>
    /// Blind transfer of the caller's own connected call to <paramref name="target"/>: <c>agent:&lt;id or seat&gt;</c>,
    /// <c>queue:&lt;name&gt;</c> or a number; <paramref name="caseDraft"/> (the case form's fields) goes to the next agent's pop.
    /// </summary>
    public Task Transfer(string callId, string target, Dictionary<string, string>? caseDraft) =>
        AskAsync(callId, new BlindTransfer(RequireAgent(), RequireTarget(target), RequireDraft(caseDraft)));

    /// <summary>Attended transfer, first step: the citizen holds with music while the agent talks to <paramref name="target"/> (an agent or a number).</summary>
    public Task ConsultTransfer(string callId, string target, Dictionary<string, string>? caseDraft) =>
        AskAsync(callId, new ConsultTransfer(RequireAgent(), RequireTarget(target), RequireDraft(caseDraft)));

    /// <summary>Attended transfer: the consulted party takes the citizen; the seat goes to wrap-up.</summary>
    public Task CompleteTransfer(string callId) => AskAsync(callId, new CompleteTransfer(RequireAgent()));

    /// <summary>Attended transfer called off: back to the citizen.</summary>
    public Task CancelTransfer(string callId) => AskAsync(callId, new CancelTransfer(RequireAgent()));

    private static TransferTarget RequireTarget(string? target) =>
        target is { Length: <= 64 } && TransferTarget.Parse(target) is { } parsed
            ? parsed
            : throw new HubException("A target is required: agent:<id or seat>, queue:<name> or a number.");

    private static Dictionary<string, string>? RequireDraft(Dictionary<string, string>? draft)
    {
        if (draft is null)
            return null;
        if (draft.Count > MaxDraftFields || draft.Any(f => f.Key.Length is 0 or > MaxDraftKey || (f.Value?.Length ?? 0) > MaxDraftValue))
            throw new HubException($"The case draft may have at most {MaxDraftFields} fields, names of 1..{MaxDraftKey} and values of at most {MaxDraftValue} characters.");
        return draft.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
    }
}
