namespace Telephony.Server.Agents;

/// <summary>What became of an agent's request to add or drop a partner hotline.</summary>
public enum ConferenceResult
{
    /// <summary>The partner is being dialled; the three are mixed when it answers.</summary>
    Calling,

    /// <summary>The partner was dropped; citizen and agent talk alone again.</summary>
    Dropped,

    /// <summary>The agent left; the citizen goes on with the partner (the seat goes to wrap-up).</summary>
    HandedOver,

    /// <summary>No call of that id is connected to this agent.</summary>
    NotYourCall,

    /// <summary>The number is not one the IVR script names (toll-fraud guard), or no outbound trunk is configured.</summary>
    NumberNotAllowed,

    /// <summary>A supervisor or another partner is already on the call.</summary>
    ThirdPartyPresent,

    /// <summary>No partner is on the call.</summary>
    NoPartner,

    /// <summary>The partner could not be dialled (no RTP port, or the INVITE could not be sent).</summary>
    Unreachable,
}

/// <summary>
/// Three-party calls with a partner hotline (legal aid, charity, …): the connected agent brings the
/// partner in, the citizen, the agent and the partner all hear each other, and the agent can drop
/// the partner again. Only numbers the IVR script names are ever dialled, through the outbound trunk.
/// </summary>
public interface IConferenceControl
{
    Task<ConferenceResult> AddPartnerAsync(string callId, string agentId, string number, CancellationToken ct = default);

    Task<ConferenceResult> DropPartnerAsync(string callId, string agentId, CancellationToken ct = default);

    /// <summary>The agent leaves a conference with a partner that has answered; the citizen goes on with the partner.</summary>
    Task<ConferenceResult> HandOverAsync(string callId, string agentId, CancellationToken ct = default);
}

/// <summary>Registered until the call manager provides the real control: no calls.</summary>
internal sealed class NoConferenceControl : IConferenceControl
{
    public Task<ConferenceResult> AddPartnerAsync(string callId, string agentId, string number, CancellationToken ct = default) =>
        Task.FromResult(ConferenceResult.NotYourCall);

    public Task<ConferenceResult> DropPartnerAsync(string callId, string agentId, CancellationToken ct = default) =>
        Task.FromResult(ConferenceResult.NotYourCall);

    public Task<ConferenceResult> HandOverAsync(string callId, string agentId, CancellationToken ct = default) =>
        Task.FromResult(ConferenceResult.NotYourCall);
}
