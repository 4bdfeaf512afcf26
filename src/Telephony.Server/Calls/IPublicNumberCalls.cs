using Telephony.Sip.Transactions;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Sip;

/// <summary>
/// The hook the SIP host's request router calls for an INVITE to a public service number (the
/// call manager's entry). Without one registered the router answers 480.
/// </summary>
public interface IPublicNumberCalls
{
    /// <summary>Takes the INVITE: answer it (e.g. 403) or turn it into an incoming call on <paramref name="ua"/>.</summary>
    void OnInvite(SipUserAgent ua, SipServerTransaction transaction);
}
