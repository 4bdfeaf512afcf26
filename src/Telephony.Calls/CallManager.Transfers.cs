using Telephony.Calls.Trunks;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls;

// A phone's own transfer button (REFER, RFC 3515): decided here before the SIP layer answers, so a REFER this
// centre will not carry out gets 403 with the reason at once (nothing dialled, logged) instead of 202 and a
// NOTIFY later. Only an agent's leg of one of our calls may transfer, and only to a seat, a queue or a number
// the dial plan allows from memory (the directory as last read, the script, the call's own citizen).
public sealed partial class CallManager
{
    /// <summary>The REFER filter: null to accept the transfer, or why not (the 403's reason).</summary>
    internal string? TransferRefusal(SipCall leg, string referTo)
    {
        if (_calls.ContainsKey(leg.CallId))
        {
            return "a citizen's phone cannot transfer a call of this centre";
        }
        if (leg.Invite.GetHeader("X-Telephony-Call") is not { } callId || !_calls.TryGetValue(callId, out var call))
        {
            return "no call of this centre on that dialog";
        }
        if (!SipUri.TryParse(referTo, out var uri, out _) || uri!.User is not { Length: > 0 } user)
        {
            return "Refer-To must be a sip: URI naming a seat, a queue or a number";
        }
        var acd = _services!.Acd;
        if (acd.Queues.Any(q => q.Name == user) || acd.SeatExtensions.Contains(user, StringComparer.Ordinal))
        {
            return null;
        }
        return _dialPlan.ResolveKnown(user, DialPurpose.Transfer, new DialContext(callId, null, call.CallerNumber)).Refusal;
    }
}
