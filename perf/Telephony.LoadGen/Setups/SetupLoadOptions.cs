using System.Globalization;
using System.Net;

namespace Telephony.LoadGen.Setups;

/// <summary>The <c>setups</c> subcommand's settings.</summary>
internal sealed class SetupLoadOptions
{
    public const string Help = "--server H:P --rate R --seconds S [--hold-ms 1000] [--local 127.0.0.1:26070] [--rtp-port 26072] [--number 12345] [--server-pid PID] [--report-s 10] [--drain-s 35]";

    public IPEndPoint Server { get; set; } = IPEndPoint.Parse("127.0.0.1:5060");
    public IPEndPoint Local { get; set; } = IPEndPoint.Parse("127.0.0.1:26070");
    /// <summary>The one RTP port every call's SDP names; bound so the server's RTP is not refused, never read (the kernel drops what overflows).</summary>
    public int RtpPort { get; set; } = 26072;
    public double Rate { get; set; } = 100;
    public int Seconds { get; set; } = 60;
    public int HoldMs { get; set; } = 1000;
    public string Number { get; set; } = "12345";
    public int? ServerPid { get; set; }
    public int ReportSeconds { get; set; } = 10;
    /// <summary>How long to wait for the last calls to finish (and late retransmissions to show) after the last INVITE.</summary>
    public int DrainSeconds { get; set; } = 35;

    public static SetupLoadOptions Parse(string[] args)
    {
        var o = new SetupLoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (a)
            {
                case "--server": o.Server = IPEndPoint.Parse(Next()); break;
                case "--local": o.Local = IPEndPoint.Parse(Next()); break;
                case "--rtp-port": o.RtpPort = Int(); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": o.Seconds = Int(); break;
                case "--hold-ms": o.HoldMs = Int(); break;
                case "--number": o.Number = Next(); break;
                case "--server-pid": o.ServerPid = Int(); break;
                case "--report-s": o.ReportSeconds = Int(); break;
                case "--drain-s": o.DrainSeconds = Int(); break;
                default: throw new ArgumentException($"unknown option {a}");
            }
        }
        if (o.Rate <= 0 || o.Rate > 20_000 || o.Seconds < 1 || o.HoldMs < 0 || o.ReportSeconds < 1 || o.DrainSeconds < 0 || o.Local.Port == 0)
        {
            throw new ArgumentException("--rate 0..20000, --seconds ≥ 1, --hold-ms ≥ 0, --report-s ≥ 1, --drain-s ≥ 0 and a fixed --local port are needed");
        }
        return o;
    }
}
