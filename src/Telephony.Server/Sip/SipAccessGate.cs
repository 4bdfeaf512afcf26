using System.Net;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Trunks;
using Telephony.Sip.Auth;

namespace Telephony.Server.Sip;

/// <summary>What to do with an out-of-dialog request after the access check.</summary>
public enum GateAction
{
    /// <summary>Go on: the sender is an authenticated seat (or the request is an OPTIONS).</summary>
    Proceed,
    /// <summary>An INVITE to a public service number from a trunk: a citizen's call for the call manager, no authentication.</summary>
    ServiceCall,
    /// <summary>A request to a public service number from an address that is not a trunk: answer 403.</summary>
    NotATrunk,
    /// <summary>Answer 401 (REGISTER) or 407 (others) with <see cref="GateDecision.Challenges"/>.</summary>
    Challenge,
    /// <summary>The source is banned for repeated failures: answer 403 without checking anything (cheap, and it ends the transaction).</summary>
    Banned,
}

/// <summary>The gate's decision; <see cref="Username"/> is set when the sender authenticated.</summary>
public sealed record GateDecision(GateAction Action, string? Username, IReadOnlyList<DigestChallenge> Challenges)
{
    /// <summary>True when the answer is a 401 (registrar) rather than a 407 (proxy/UAS).</summary>
    public bool UseWwwAuthenticate { get; init; }
}

/// <summary>
/// The server's access policy for out-of-dialog requests. Everything except OPTIONS and calls to
/// public service numbers needs digest credentials of a seat. Existing and non-existing targets
/// take the same path and get the same challenge, so an unauthenticated sender cannot enumerate
/// seats. Repeated failures from one address lead to a ban, during which every request from it is refused
/// (even one with the right password), so guessing stops paying off: the server host drops them before a
/// transaction exists (<c>SipEndpoint.RequestAdmission</c>); a request that still reaches the gate gets 403.
/// </summary>
/// <remarks>
/// The service-number decision is the trunk policy's (<see cref="TrunkPolicy.Admit"/>), taken here once:
/// a trunk's INVITE goes straight to the call manager, anyone else's gets 403. Without a trunk policy
/// (no call manager in this host) service numbers get no special treatment.
/// Addresses on the trunk allow-list are never banned and their failures are not counted: a REGISTER
/// with a wrong password costs nothing to forge from the carrier's address, and a banned carrier
/// would drop every citizen's call. They still get the challenge, so a forged request gains nothing.
/// </remarks>
/// <param name="mayLog">
/// The SIP endpoint's per-source budget for lines about rejected messages (<c>SipEndpoint.MayLogRejection</c>); null: log
/// every refusal. A flood of forged failures must not become a flood of log lines.
/// </param>
public sealed class SipAccessGate(DigestAuthenticator authenticator, AuthFailureLimiter limiter, TrunkPolicy? trunks, ILogger logger,
    Func<IPAddress, bool>? mayLog = null)
{
    /// <summary>Checks a request. <paramref name="targetUser"/> is the Request-URI user part (may be null).</summary>
    public GateDecision Check(string method, string? targetUser, IPAddress source, IEnumerable<string> authorization, IEnumerable<string> proxyAuthorization)
    {
        bool isTrunk = IsTrunk(source);
        if (!isTrunk && limiter.IsBanned(source))
        {
            return new GateDecision(GateAction.Banned, null, []);
        }
        bool isRegister = method == "REGISTER";
        if (method == "OPTIONS")
        {
            return new GateDecision(GateAction.Proceed, null, []);
        }
        if (!isRegister && trunks is not null)
        {
            switch (trunks.Admit(targetUser, source))
            {
                case ServiceNumberAdmission.FromTrunk:
                    return new GateDecision(method == "INVITE" ? GateAction.ServiceCall : GateAction.Proceed, null, []);
                case ServiceNumberAdmission.NotATrunk:
                    if (MayLog(source))
                    {
                        SipHostLog.NotATrunk(logger, method, source, targetUser);
                    }
                    return new GateDecision(GateAction.NotATrunk, null, []);
            }
        }
        var verdict = authenticator.Verify(method, isRegister ? authorization : proxyAuthorization);
        switch (verdict.Outcome)
        {
            case DigestOutcome.Authenticated:
                limiter.RecordSuccess(source);
                return new GateDecision(GateAction.Proceed, verdict.Username, []);
            case DigestOutcome.Failed:
                if (MayLog(source))
                {
                    SipHostLog.AuthFailed(logger, method, source, verdict.Reason);
                }
                if (!isTrunk && limiter.RecordFailure(source))
                {
                    SipHostLog.Banned(logger, source, limiter.BanTime.TotalSeconds);
                    return new GateDecision(GateAction.Banned, null, []);
                }
                break;
        }
        return new GateDecision(GateAction.Challenge, null, authenticator.CreateChallenges(verdict.Outcome == DigestOutcome.Stale))
        {
            UseWwwAuthenticate = isRegister,
        };
    }

    /// <summary>
    /// True when <paramref name="source"/> is one of the carrier's addresses (<c>Trunks:AllowedSources</c>):
    /// never banned for authentication failures. The host's drop-before-transaction check asks the same.
    /// </summary>
    public bool IsTrunk(IPAddress source) => trunks?.IsAllowedSource(source) == true;

    private bool MayLog(IPAddress source) => mayLog?.Invoke(source) ?? true;
}
