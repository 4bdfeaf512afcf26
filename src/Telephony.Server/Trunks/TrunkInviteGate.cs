using Telephony.Server.Sip;
using Telephony.Sip.Transactions;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Trunks;

/// <summary>
/// Where the SIP host hands INVITEs to public service numbers: a source on the trunk allow-list
/// becomes an incoming call for the call manager; anyone else gets 403 and a log line.
/// </summary>
public sealed partial class TrunkInviteGate(TrunkPolicy policy, ILogger<TrunkInviteGate> logger) : IPublicNumberCalls
{
    /// <inheritdoc />
    public void OnInvite(SipUserAgent ua, SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(ua);
        ArgumentNullException.ThrowIfNull(transaction);
        var source = transaction.Flow.Remote.Address;
        if (!policy.IsAllowedSource(source))
        {
            LogRefused(logger, source.ToString(), transaction.Request.CallId ?? "?");
            ua.Respond(transaction, 403, "Forbidden (not a trunk)");
            return;
        }
        ua.AcceptIncomingInvite(transaction);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "INVITE to a service number from {Source} (Call-ID {CallId}) refused: not on the trunk allow-list")]
    private static partial void LogRefused(ILogger logger, string source, string callId);
}
