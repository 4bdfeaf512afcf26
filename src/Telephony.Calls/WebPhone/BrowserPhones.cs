using System.Collections.Concurrent;
using Telephony.Media.WebRtc.Dtls;

namespace Telephony.Calls.WebPhone;

/// <summary>
/// The agents whose phone is their browser (per login: the page says so when it connects), the node's DTLS
/// certificate for browser legs, and the signalling that carries offers to the pages: the agents' and, for a
/// supervisor listening from the browser, the supervisors'. A seat whose agent is here rings in the browser
/// instead of at a registered SIP phone. Node-local, like the hub connections that register it.
/// </summary>
public sealed class BrowserPhones(IBrowserPhoneSignalling signalling, DtlsIdentity? identity = null, TimeSpan? securityTimeout = null,
    IBrowserPhoneSignalling? supervisors = null)
{
    private readonly ConcurrentDictionary<string, byte> _agents = new(StringComparer.Ordinal);

    /// <summary>Where offers go.</summary>
    public IBrowserPhoneSignalling Signalling { get; } = signalling ?? throw new ArgumentNullException(nameof(signalling));

    /// <summary>Where a supervisor's listening offers go (their wall's page); null: supervisors listen from their seat phone only.</summary>
    public IBrowserPhoneSignalling? Supervisors { get; } = supervisors;

    /// <summary>Our certificate (self-signed, made at start; its fingerprint goes into every offer).</summary>
    public DtlsIdentity Identity { get; } = identity ?? DtlsIdentity.Create();

    /// <summary>How long after the answer ICE and DTLS may take before the leg counts as failed.</summary>
    public TimeSpan SecurityTimeout { get; } = securityTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>The agent's phone is the browser from now on.</summary>
    public void Register(string agentId) => _agents[agentId] = 0;

    /// <summary>The agent's phone is a SIP phone again (or the page went away).</summary>
    public void Unregister(string agentId) => _agents.TryRemove(agentId, out _);

    /// <summary>Whether calls for this agent ring in the browser.</summary>
    public bool IsBrowser(string? agentId) => agentId is not null && _agents.ContainsKey(agentId);
}
