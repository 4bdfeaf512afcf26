using System.Globalization;
using Telephony.Softphone.Core;

namespace Telephony.Softphone.Cli;

/// <summary>Parses the softphone's command line into <see cref="AgentClientOptions"/>.</summary>
public static class CommandLine
{
    public const string Usage = """
        Telephony softphone: the agent's desktop (screen-pop, SIP seat, audio) in a terminal.

        usage: Telephony.Softphone --seat EXT --user NAME --password PW [options]

          --server HOST:PORT     SIP server (UDP)                          default 127.0.0.1:5060
          --http URL             server HTTP address (token + agents' hub) default http://127.0.0.1:5080
          --no-hub               SIP only: no login, no screen-pop, no seat states
          --seat EXT             seat extension (SIP user), e.g. 1001
          --user NAME            agent user name, e.g. agent1001
          --password PW          agent password (hub login)
          --sip-password PW      seat SIP password (seats file); default: --password
          --domain NAME          SIP domain / digest realm                  default telephony.local
          --listen SPEC          our SIP listener                           default udp:127.0.0.1:0
          --rtp-ports LO-HI      RTP port range                             default 40000-40999
          --ready                become Ready right after start-up
          --auto-answer [MS]     answer every call by itself after MS ms    default 0 when given
          --play FILE            WAV (8 kHz mono 16-bit) sent as the microphone, looped
          --record FILE          WAV of what the agent hears (call n>1: FILE-n.wav)
          --help                 this text

        Commands while running (type and press Enter):
          ready | notready <reason> | answer | hangup | status | logout | quit
        """;

    /// <summary>Parses; returns null with <paramref name="error"/> for bad input, null without error for --help.</summary>
    public static AgentClientOptions? Parse(string[] args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        error = null;
        string? seat = null;
        var o = new AgentClientOptions { Seat = "", Http = new Uri("http://127.0.0.1:5080") };
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{a} needs a value");
                switch (a)
                {
                    case "--help" or "-h":
                        return null;
                    case "--server": o.SipServer = Next(); break;
                    case "--http": o.Http = new Uri(Next().TrimEnd('/') + "/", UriKind.Absolute); break;
                    case "--no-hub": o.Http = null; break;
                    case "--seat": seat = Next(); break;
                    case "--user": o.User = Next(); break;
                    case "--password": o.Password = Next(); break;
                    case "--sip-password": o.SipPassword = Next(); break;
                    case "--domain": o.Domain = Next(); break;
                    case "--listen": o.SipListen = Next(); break;
                    case "--ready": o.ReadyOnStart = true; break;
                    case "--play": o.PlayFile = Next(); break;
                    case "--record": o.RecordFile = Next(); break;
                    case "--rtp-ports":
                        var range = Next().Split('-');
                        if (range.Length != 2)
                        {
                            throw new FormatException("--rtp-ports wants LO-HI");
                        }
                        o.RtpPortMin = int.Parse(range[0], CultureInfo.InvariantCulture);
                        o.RtpPortMax = int.Parse(range[1], CultureInfo.InvariantCulture);
                        break;
                    case "--auto-answer":
                        int ms = 0;
                        if (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
                        {
                            ms = parsed;
                            i++;
                        }
                        o.AutoAnswer = TimeSpan.FromMilliseconds(ms);
                        break;
                    default:
                        throw new FormatException($"unknown option {a}");
                }
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or UriFormatException)
        {
            error = e.Message;
            return null;
        }
        if (string.IsNullOrWhiteSpace(seat) || !seat.All(char.IsAsciiDigit))
        {
            error = "--seat EXT (digits) is required";
            return null;
        }
        o.Seat = seat;
        if (o.Http is not null && (o.User is null || o.Password is null))
        {
            error = "--user and --password are required (or --no-hub with --sip-password)";
            return null;
        }
        if (o.Http is null && (o.SipPassword ?? o.Password) is null)
        {
            error = "--sip-password is required";
            return null;
        }
        return o;
    }
}
