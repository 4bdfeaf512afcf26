using System.Globalization;
using Telephony.Testing.Calls;

namespace Telephony.Testing.Hosting;

/// <summary>
/// The settings of a server process whose IVR hands every citizen to the partner hotline (<see cref="TransferScript"/>):
/// what the node-lost, drain and failover tests run. Each test adds or overrides what it varies.
/// </summary>
public static class TransferNodeSettings
{
    /// <summary>
    /// A node with its cases (SQLite), recordings, SMS outbox and IVR script under <paramref name="folder"/>, RTP on
    /// <paramref name="rtpMin"/>-<paramref name="rtpMax"/>, one in-process seat store (no Redis), and the partner at
    /// <c>127.0.0.1:<paramref name="partnerPort"/></c>.
    /// </summary>
    public static Dictionary<string, string> Create(string folder, int partnerPort, int rtpMin, int rtpMax) => new()
    {
        ["Sip:Domain"] = "test.local",
        ["ContactCenter:Redis"] = "",
        ["Cases:Provider"] = "sqlite",
        ["Cases:ConnectionString"] = $"Data Source={Path.Combine(folder, "cases.db")}",
        ["Cases:SmsOutboxFile"] = Path.Combine(folder, "sms-outbox.jsonl"),
        ["Calls:RecordingsFolder"] = Path.Combine(folder, "recordings"),
        ["Calls:IvrScript"] = TransferScript.WriteTo(Path.Combine(folder, "ivr")),
        ["Calls:WatchIvrScript"] = "false",
        ["Calls:RtpPortMin"] = rtpMin.ToString(CultureInfo.InvariantCulture),
        ["Calls:RtpPortMax"] = rtpMax.ToString(CultureInfo.InvariantCulture),
        ["Calls:RtpRealtimePriority"] = "0",
        ["Trunks:OutboundUri"] = $"sip:{{number}}@127.0.0.1:{partnerPort.ToString(CultureInfo.InvariantCulture)}",
    };
}
