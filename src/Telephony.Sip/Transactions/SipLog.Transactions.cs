using Microsoft.Extensions.Logging;
using Telephony.Sip.Transactions;

namespace Telephony.Sip;

// Transaction events (§17): EventIds 1100–1199 (ranges of the other areas: SipLog.cs). Next free id: 1110.
internal static partial class SipLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "Transaction user failed on {Method}")]
    public static partial void TransactionUserFailedOn(this ILogger logger, Exception exception, string method);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "CANCEL matches no INVITE transaction; 481")]
    public static partial void CancelMatchesNoInvite(this ILogger logger);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Transaction user callback failed")]
    public static partial void TransactionUserCallbackFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Provisional response callback failed")]
    public static partial void ProvisionalCallbackFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "{Transaction} failed: {Error}")]
    public static partial void TransactionFailed(this ILogger logger, SipTransactionKey transaction, SipTransactionError error);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "{Transaction} response {Code} ignored in {State}")]
    public static partial void ResponseIgnored(this ILogger logger, SipTransactionKey transaction, int code, SipTransactionState state);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "{Transaction} transport error: {Message}")]
    public static partial void TransactionTransportError(this ILogger logger, SipTransactionKey transaction, string message);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "{Transaction} no ACK for {Code} (Timer H)")]
    public static partial void NoAckForFinalResponse(this ILogger logger, SipTransactionKey transaction, int? code);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "{Transaction} TU sent no final response within {Limit}; dropped")]
    public static partial void InviteTuSilent(this ILogger logger, SipTransactionKey transaction, TimeSpan limit);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "{Transaction} TU sent no final response within Timer F; dropped")]
    public static partial void NonInviteTuSilent(this ILogger logger, SipTransactionKey transaction);
}
