using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Transactions;

/// <summary>What a transaction needs from the layer that owns it: timers, sending, removal, and the TU.</summary>
internal interface ISipTransactionHost
{
    SipTimerQueue Timers { get; }
    SipTimerSettings TimerSettings { get; }
    ILogger Logger { get; }

    /// <summary>Sends without waiting; a failure comes back as <see cref="SipTransaction.OnTransportError"/>.</summary>
    void Send(SipTransaction owner, SipFlow flow, ReadOnlyMemory<byte> data);

    /// <summary>Sends a server transaction's response along the §18.2.2 route; failure as above.</summary>
    void SendResponse(SipServerTransaction owner, ReadOnlyMemory<byte> data);

    /// <summary>Removes the transaction from the table (it reached Terminated).</summary>
    void Terminated(SipTransaction transaction);

    /// <summary>A client transaction failed (Timer B/F/C or transport); it already reported a local 408/503 to its TU.</summary>
    void ClientTransactionFailed(SipClientTransaction transaction, SipTransactionError error);

    /// <summary>Timer H fired or the transport failed for a server transaction (§17.2.1, §17.2.4).</summary>
    void ServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error);

    /// <summary>An ACK matched an INVITE server transaction in the Accepted state (RFC 6026 §7.1): goes to the TU.</summary>
    void AckForAccepted(SipServerTransaction transaction, SipRequest ack);

    /// <summary>A further 2xx arrived at an INVITE client transaction in Accepted (RFC 6026 §7.2): goes to the TU.</summary>
    void Additional2xx(SipClientTransaction transaction, SipResponse response);
}
