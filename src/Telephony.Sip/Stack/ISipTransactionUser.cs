using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Stack;

/// <summary>
/// The transaction user (the UA core, the registrar, the server's call manager) as the endpoint
/// sees it. Every callback runs on a receive loop or timer thread: hand the work to a mailbox
/// (one <c>Channel</c> per call) and return; never block. An exception thrown here is logged and
/// swallowed. The Call-ID of the message is in the logger scope during each call.
/// </summary>
public interface ISipTransactionUser
{
    /// <summary>
    /// A new request (anything but ACK and a matched CANCEL) with the server transaction to answer
    /// through: <c>transaction.SendResponseAsync(response)</c>. For INVITE the transaction sends
    /// 100 Trying by itself if no response was sent within 200 ms (§17.2.1). The endpoint has
    /// already answered 400 to requests whose headers are malformed (<c>ValidateHeaders</c>); the
    /// §8.2 UAS checks (method, URI scheme, Require, Content-Type, … — <c>UasRequestCheck</c>) and
    /// the §8.2.2.2 merged-request check are the TU's.
    /// </summary>
    void OnRequest(SipServerTransaction transaction);

    /// <summary>
    /// An ACK for a 2xx (it belongs to the dialog, §13.3.1.4 / §17.1.1.3) — received either outside
    /// any transaction or matched to an INVITE server transaction in Accepted (RFC 6026).
    /// <paramref name="transaction"/> is that INVITE transaction when there was one.
    /// </summary>
    void OnAck(SipRequest ack, SipFlow flow, SipServerTransaction? transaction) { }

    /// <summary>
    /// A CANCEL matched an INVITE server transaction that had no final response yet (§9.2). The
    /// endpoint already answered 200 to the CANCEL and 487 to the INVITE.
    /// </summary>
    void OnCancel(SipServerTransaction invite, SipRequest cancel) { }

    /// <summary>
    /// A response that matches no client transaction (§17.1.3; e.g. a 2xx retransmission after
    /// Timer M), or a further 2xx for an INVITE client transaction in Accepted (RFC 6026 §8.4:
    /// retransmitted or forked 2xx, which the TU must ACK). <paramref name="transaction"/> is that
    /// INVITE transaction when there was one.
    /// </summary>
    void OnStrayResponse(SipResponse response, SipFlow flow, SipClientTransaction? transaction) { }

    /// <summary>A server transaction ended without its normal outcome: no ACK (Timer H), transport failure, or the TU never answered.</summary>
    void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error) { }
}
