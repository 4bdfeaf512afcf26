using Telephony.LoadGen.Day;
using Telephony.Testing.Hosting;

namespace Telephony.LoadGen.Tests;

/// <summary>
/// The whole server in-process on real sockets (HTTP and the hub on Kestrel, SIP UDP on a free port) for a scenario
/// driver: the given seats, an agents file, RTP ports in this project's range, and the simulated agents ending their
/// own after-call work (the server's wrap-up timer only a backstop).
/// </summary>
internal static class LoadGenServer
{
    public static TelephonyTestServer Start(IReadOnlyDictionary<string, string> seats, string agentsFile, int rtpPortMin, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Sip:Udp"] = "127.0.0.1:0",
            ["Sip:Tcp"] = "",
            ["Sip:AuthMaxFailures"] = "50",
            ["ContactCenter:AgentsFile"] = agentsFile,
            ["ContactCenter:SeatCount"] = seats.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ContactCenter:WrapUpSeconds"] = "120",
            ["Calls:RtpPortMin"] = rtpPortMin.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Calls:RtpPortMax"] = (rtpPortMin + 399).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return new TelephonyTestServer(new TelephonyTestServerOptions { Seats = seats, Kestrel = true, Settings = settings });
    }

    /// <summary>A driver's settings against <paramref name="server"/>: its SIP and HTTP addresses, the seats, every seat an agent, RTP from <paramref name="rtpPortMin"/> (400 ports).</summary>
    public static DayOptions Options(TelephonyTestServer server, IReadOnlyDictionary<string, string> seats, int rtpPortMin) => new()
    {
        Server = $"127.0.0.1:{server.SipPort()}",
        Http = server.Http!,
        Domain = "test.local",
        SeatPasswords = seats,
        MaxAgents = seats.Count,
        RtpPortMin = rtpPortMin,
        RtpPortMax = rtpPortMin + 399,
    };
}
