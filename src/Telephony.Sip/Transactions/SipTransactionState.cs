namespace Telephony.Sip.Transactions;

/// <summary>States of the four transaction machines (RFC 3261 §17 figures 5–8, RFC 6026 figures 5 and 7).</summary>
public enum SipTransactionState
{
    /// <summary>INVITE client: request sent, nothing received.</summary>
    Calling,
    /// <summary>Non-INVITE client and server: request sent / received, no response yet.</summary>
    Trying,
    /// <summary>A provisional response was received (client) or sent (server).</summary>
    Proceeding,
    /// <summary>A final response was received (client, non-2xx for INVITE) or sent (server, non-2xx for INVITE); absorbing retransmissions.</summary>
    Completed,
    /// <summary>INVITE server: the ACK for a non-2xx final response arrived.</summary>
    Confirmed,
    /// <summary>RFC 6026: a 2xx to an INVITE was received (client) or sent (server).</summary>
    Accepted,
    /// <summary>Gone from the transaction table.</summary>
    Terminated,
}

/// <summary>Why a transaction ended without its normal outcome.</summary>
public enum SipTransactionError
{
    /// <summary>Timer B/F (client) or Timer H (server: no ACK).</summary>
    Timeout,
    /// <summary>The transport could not send (§17.1.4, §17.2.4).</summary>
    TransportError,
}
