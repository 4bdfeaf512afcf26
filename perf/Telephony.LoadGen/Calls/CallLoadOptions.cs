using System.Globalization;

namespace Telephony.LoadGen.Calls;

/// <summary>The <c>calls</c> subcommand's settings.</summary>
internal sealed class CallLoadOptions
{
    public const string Help = "--server H:P --http URL --agents N --calls N --rate R [--concurrency C] [--first-seat 1001] [--number 12345] [--digit 9 --digit-after-ms 500] [--talk-ms 1000] [--play mic.wav] [--seats-file F] [--domain D] [--timeout-s 60]";

    public string Server { get; set; } = "127.0.0.1:5060";
    public Uri Http { get; set; } = new("http://127.0.0.1:5080/");
    public int Agents { get; set; } = 20;
    public int FirstSeat { get; set; } = 1001;
    public int Calls { get; set; } = 100;
    public double Rate { get; set; } = 10;
    public int Concurrency { get; set; } = 200;
    public string Number { get; set; } = "12345";
    public char? Digit { get; set; }
    public int DigitAfterMs { get; set; } = 500;
    public int TalkMs { get; set; } = 1000;
    public string? PlayFile { get; set; }
    public string? SeatsFile { get; set; }
    public string Domain { get; set; } = "telephony.local";
    public string UserFormat { get; set; } = "agent{0}";
    public string PasswordFormat { get; set; } = "demo-agent-{0}";
    public int TimeoutSeconds { get; set; } = 60;
    /// <summary>RTP ports of the one media engine every simulated caller and agent leases from.</summary>
    public int RtpPortMin { get; set; } = 42000;
    public int RtpPortMax { get; set; } = 47999;

    public static CallLoadOptions Parse(string[] args)
    {
        var o = new CallLoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (a)
            {
                case "--server": o.Server = Next(); break;
                case "--http": o.Http = new Uri(Next().TrimEnd('/') + "/"); break;
                case "--agents": o.Agents = Int(); break;
                case "--first-seat": o.FirstSeat = Int(); break;
                case "--calls": o.Calls = Int(); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": o.Concurrency = Int(); break;
                case "--number": o.Number = Next(); break;
                case "--digit":
                    var d = Next();
                    o.Digit = d == "none" ? null : d.Length == 1 ? d[0] : throw new ArgumentException("--digit wants one key or 'none'");
                    break;
                case "--digit-after-ms": o.DigitAfterMs = Int(); break;
                case "--talk-ms": o.TalkMs = Int(); break;
                case "--play": o.PlayFile = Next(); break;
                case "--seats-file": o.SeatsFile = Next(); break;
                case "--domain": o.Domain = Next(); break;
                case "--user-format": o.UserFormat = Next(); break;
                case "--password-format": o.PasswordFormat = Next(); break;
                case "--timeout-s": o.TimeoutSeconds = Int(); break;
                default: throw new ArgumentException($"unknown option {a}");
            }
        }
        if (o.Agents is < 1 or > 200 || o.Calls < 1 || o.Rate <= 0 || o.Concurrency < 1)
        {
            throw new ArgumentException("--agents 1..200, --calls ≥ 1, --rate > 0 and --concurrency ≥ 1 are needed");
        }
        return o;
    }
}
