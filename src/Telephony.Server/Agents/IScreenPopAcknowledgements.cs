namespace Telephony.Server.Agents;

/// <summary>
/// Where an agent desktop's "I have shown the pop" goes: the call manager rings the seat's softphone as
/// soon as the pop is acknowledged (or after its maximum wait), so the pop is on screen before the phone rings.
/// </summary>
public interface IScreenPopAcknowledgements
{
    /// <summary>
    /// The desktop of <paramref name="agentId"/> has shown the pop of <paramref name="callId"/>. True when a
    /// pop of that call for that agent was waiting (or its seat already rings); false for someone else's
    /// call, an unknown call or one no longer offered to this agent.
    /// </summary>
    Task<bool> AcknowledgeAsync(string callId, string agentId, CancellationToken ct = default);
}

/// <summary>Registered until the call manager provides the real acknowledgements: no calls, so nothing to acknowledge.</summary>
internal sealed class NoScreenPopAcknowledgements : IScreenPopAcknowledgements
{
    public Task<bool> AcknowledgeAsync(string callId, string agentId, CancellationToken ct = default) => Task.FromResult(false);
}
