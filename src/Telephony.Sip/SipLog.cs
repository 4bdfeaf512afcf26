namespace Telephony.Sip;

/// <summary>
/// Every log event of the SIP stack, one partial file per area (like Kestrel's <c>KestrelTrace</c>), each
/// with a stable <see cref="Microsoft.Extensions.Logging.EventId"/> so alerts and dashboards can match on
/// the id instead of the text. Ids are never reused or renumbered; a retired event leaves a gap.
/// Each area file lists one event a line (id, level, text, method), to be read as a table.
/// </summary>
/// <remarks>
/// EventId ranges (the "next free" id of each area is noted at the top of its file):
/// <list type="table">
/// <item><term>1000–1099</term><description>Transport (UDP, TCP): Transport/SipLog.Transport.cs</description></item>
/// <item><term>1100–1199</term><description>Transactions (§17): Transactions/SipLog.Transactions.cs</description></item>
/// <item><term>1200–1399</term><description>User agent (calls 1200–1299, UA core 1300–1349, registration 1350–1399): UserAgent/SipLog.UserAgent.cs</description></item>
/// <item><term>1400–1499</term><description>Registrar: no events yet</description></item>
/// <item><term>1500–1599</term><description>Digest auth: no events yet</description></item>
/// <item><term>1600–1699</term><description>Endpoint (receive path, validation, stateless answers): Stack/SipLog.Stack.cs</description></item>
/// <item><term>1700–1749</term><description>Transfers (REFER): UserAgent/SipLog.UserAgent.cs</description></item>
/// </list>
/// </remarks>
internal static partial class SipLog
{
}
