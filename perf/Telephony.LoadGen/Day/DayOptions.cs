using System.Globalization;

namespace Telephony.LoadGen.Day;

/// <summary>The <c>day</c> subcommand's settings: the day to play, how it is compressed, and where the server is.</summary>
internal sealed class DayOptions
{
    public const string Help = "--server H:P --http URL [--contacts 20000] [--scale 1] [--hours 0-24] [--slot-s 20] [--peak-slot-s 120] [--talk-s 120] [--wrap-s 20] [--patience-s 90] [--answer-within-s 15] [--max-agents 60] [--first-seat 1001] [--seats-file F] [--domain D] [--seed 12345] [--supervisor NAME:PASSWORD]";

    public string Server { get; set; } = "127.0.0.1:5060";
    public Uri Http { get; set; } = new("http://127.0.0.1:5080/");
    public string Number { get; set; } = "12345";
    public string? SeatsFile { get; set; }
    public IReadOnlyDictionary<string, string>? SeatPasswords { get; set; }
    public string Domain { get; set; } = "telephony.local";
    public int FirstSeat { get; set; } = 1001;
    public string UserFormat { get; set; } = "agent{0}";
    public string PasswordFormat { get; set; } = "demo-agent-{0}";
    public string Supervisor { get; set; } = "supervisor";
    public string SupervisorPassword { get; set; } = "demo-supervisor";

    /// <summary>Contacts in the whole (uncompressed) day: the intraday curve's total.</summary>
    public int Contacts { get; set; } = 20_000;
    /// <summary>Share of the day's volume played (a centre this much the size; the planner staffs the scaled rate).</summary>
    public double Scale { get; set; } = 1;
    /// <summary>First and last hour played (local), end exclusive: 0-24 is the whole day.</summary>
    public int FromHour { get; set; }
    public int ToHour { get; set; } = 24;
    /// <summary>Wall seconds an ordinary half hour is played for (1800 = real speed).</summary>
    public double SlotSeconds { get; set; } = 20;
    /// <summary>Wall seconds each half hour of the peak hour (the two busiest played half hours) is played for.</summary>
    public double PeakSlotSeconds { get; set; } = 120;
    /// <summary>Mean talk time (log-normal, σ 0.6).</summary>
    public double TalkSeconds { get; set; } = 120;
    /// <summary>Mean after-call work (uniform over ±50 %).</summary>
    public double WrapSeconds { get; set; } = 20;
    /// <summary>Mean patience in the queue (exponential, as Erlang A assumes).</summary>
    public double PatienceSeconds { get; set; } = 90;
    /// <summary>
    /// The planner's <c>answerWithin</c> (its default is 15 s of queueing; GB/T 33358's 15 s run from the system's
    /// answer, IVR included, so 10 s of queue is the standard's 15 s for a caller with a 5 s greeting).
    /// </summary>
    public double AnswerWithinSeconds { get; set; } = 15;
    /// <summary>Seats available: the planner's staffing is capped here (the report says where).</summary>
    public int MaxAgents { get; set; } = 60;
    /// <summary>No arrivals in the last moment of a half hour, so a call's server-side offer time falls in the half hour that placed it.</summary>
    public TimeSpan Guard { get; set; } = TimeSpan.FromSeconds(1);
    public int Seed { get; set; } = 12345;
    public int TimeoutSeconds { get; set; } = 60;
    public int RtpPortMin { get; set; } = 45000;
    public int RtpPortMax { get; set; } = 47999;

    public static DayOptions Parse(string[] args)
    {
        var o = new DayOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Real() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (a)
            {
                case "--server": o.Server = Next(); break;
                case "--http": o.Http = new Uri(Next().TrimEnd('/') + "/"); break;
                case "--number": o.Number = Next(); break;
                case "--seats-file": o.SeatsFile = Next(); break;
                case "--domain": o.Domain = Next(); break;
                case "--first-seat": o.FirstSeat = Int(); break;
                case "--user-format": o.UserFormat = Next(); break;
                case "--password-format": o.PasswordFormat = Next(); break;
                case "--supervisor":
                    var sup = Next().Split(':', 2);
                    (o.Supervisor, o.SupervisorPassword) = sup.Length == 2 ? (sup[0], sup[1]) : throw new ArgumentException("--supervisor wants NAME:PASSWORD");
                    break;
                case "--contacts": o.Contacts = Int(); break;
                case "--scale": o.Scale = Real(); break;
                case "--hours":
                    var h = Next().Split('-', 2);
                    if (h.Length != 2) throw new ArgumentException("--hours wants FROM-TO, e.g. 7-22");
                    o.FromHour = int.Parse(h[0], CultureInfo.InvariantCulture);
                    o.ToHour = int.Parse(h[1], CultureInfo.InvariantCulture);
                    break;
                case "--slot-s": o.SlotSeconds = Real(); break;
                case "--peak-slot-s": o.PeakSlotSeconds = Real(); break;
                case "--talk-s": o.TalkSeconds = Real(); break;
                case "--wrap-s": o.WrapSeconds = Real(); break;
                case "--patience-s": o.PatienceSeconds = Real(); break;
                case "--max-agents": o.MaxAgents = Int(); break;
                case "--answer-within-s": o.AnswerWithinSeconds = Real(); break;
                case "--guard-ms": o.Guard = TimeSpan.FromMilliseconds(Int()); break;
                case "--seed": o.Seed = Int(); break;
                case "--timeout-s": o.TimeoutSeconds = Int(); break;
                default: throw new ArgumentException($"unknown option {a}");
            }
        }
        o.Validate();
        return o;
    }

    public void Validate()
    {
        if (Contacts < 1 || Scale is <= 0 or > 10 || FromHour < 0 || ToHour > 24 || FromHour >= ToHour)
            throw new ArgumentException("--contacts ≥ 1, --scale in (0, 10], --hours within 0-24 are needed");
        if (SlotSeconds < 2 || PeakSlotSeconds < 2 || SlotSeconds > 1800 || PeakSlotSeconds > 1800)
            throw new ArgumentException("--slot-s and --peak-slot-s must be 2..1800 (1800 is real speed)");
        if (TalkSeconds <= 0 || WrapSeconds < 1 || PatienceSeconds <= 0 || MaxAgents is < 1 or > 200)
            throw new ArgumentException("--talk-s > 0, --wrap-s ≥ 1, --patience-s > 0, --max-agents 1..200 are needed");
    }
}
