using Microsoft.Extensions.Logging;
using Telephony.Sip.Transactions;

namespace Telephony.Sip;

// Transaction events (§17): EventIds 1100–1199 (ranges of the other areas: SipLog.cs). Next free id: 1110.
internal static partial class SipLog
{
    [LoggerMessage(1100, LogLevel.Error, "Transaction user failed on {Method}")] public static partial void TransactionUserFailedOn(this ILogger logger, Exception exception, string method);
    [LoggerMessage(1101, LogLevel.Information, "CANCEL matches no INVITE transaction; 481")] public static partial void CancelMatchesNoInvite(this ILogger logger);
    [LoggerMessage(1102, LogLevel.Error, "Transaction user callback failed")] public static partial void TransactionUserCallbackFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1103, LogLevel.Error, "Provisional response callback failed")] public static partial void ProvisionalCallbackFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1104, LogLevel.Information, "{Transaction} failed: {Error}")] public static partial void TransactionFailed(this ILogger logger, SipTransactionKey transaction, SipTransactionError error);
    [LoggerMessage(1105, LogLevel.Debug, "{Transaction} response {Code} ignored in {State}")] public static partial void ResponseIgnored(this ILogger logger, SipTransactionKey transaction, int code, SipTransactionState state);
    [LoggerMessage(1106, LogLevel.Warning, "{Transaction} transport error: {Message}")] public static partial void TransactionTransportError(this ILogger logger, SipTransactionKey transaction, string message);
    [LoggerMessage(1107, LogLevel.Information, "{Transaction} no ACK for {Code} (Timer H)")] public static partial void NoAckForFinalResponse(this ILogger logger, SipTransactionKey transaction, int? code);
    [LoggerMessage(1108, LogLevel.Warning, "{Transaction} TU sent no final response within {Limit}; dropped")] public static partial void InviteTuSilent(this ILogger logger, SipTransactionKey transaction, TimeSpan limit);
    [LoggerMessage(1109, LogLevel.Warning, "{Transaction} TU sent no final response within Timer F; dropped")] public static partial void NonInviteTuSilent(this ILogger logger, SipTransactionKey transaction);
}
