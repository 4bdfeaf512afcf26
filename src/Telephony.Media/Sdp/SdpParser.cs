using System.Globalization;
using System.Net;

namespace Telephony.Media.Sdp;

/// <summary>The outcome of parsing an SDP body: a description, or a clear error with its line.</summary>
public sealed class SdpParseResult
{
    private SdpParseResult(SessionDescription? description, string? error, int line)
    {
        Description = description;
        Error = error;
        Line = line;
    }

    public SessionDescription? Description { get; }
    /// <summary>Why the body was refused (suitable for a SIP Warning header / 488 reason).</summary>
    public string? Error { get; }
    /// <summary>1-based line of the error, 0 when it concerns the whole body.</summary>
    public int Line { get; }
    public bool Success => Description is not null;

    internal static SdpParseResult Ok(SessionDescription d) => new(d, null, 0);
    internal static SdpParseResult Fail(int line, string error) =>
        new(null, line > 0 ? $"SDP line {line}: {error}" : $"SDP: {error}", line);
}

/// <summary>
/// RFC 8866 parser. Lenient where real phones deviate harmlessly (LF line ends, line order,
/// unknown lines, trailing blanks) and strict where a value would be unusable; bounded in size
/// so hostile input cannot make it use unbounded memory or time. Never throws.
/// </summary>
public static class SdpParser
{
    /// <summary>Largest body accepted (a real audio SDP is well under 2 KiB).</summary>
    public const int MaxBodyLength = 32 * 1024;
    public const int MaxLines = 512;
    public const int MaxMediaDescriptions = 16;
    public const int MaxFormatsPerMedia = 64;
    public const int MaxAttributesPerSection = 128;
    public const int MaxLineLength = 2048;

    public static SdpParseResult Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return SdpParseResult.Fail(0, "empty body");
        }

        if (text.Length > MaxBodyLength)
        {
            return SdpParseResult.Fail(0, $"body longer than {MaxBodyLength} characters");
        }

        SessionDescription? session = null;
        SdpMediaDescription? media = null;
        bool sawVersion = false, sawName = false;
        int lineNo = 0;
        int attributeCount = 0;
        var remaining = text.AsSpan();
        while (!remaining.IsEmpty)
        {
            int nl = remaining.IndexOf('\n');
            var line = nl < 0 ? remaining : remaining[..nl];
            remaining = nl < 0 ? [] : remaining[(nl + 1)..];
            lineNo++;
            if (lineNo > MaxLines)
            {
                return SdpParseResult.Fail(lineNo, $"more than {MaxLines} lines");
            }

            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty || line.IsWhiteSpace())
            {
                continue; // blank lines (often a trailing CRLF) carry nothing
            }

            if (line.Length > MaxLineLength)
            {
                return SdpParseResult.Fail(lineNo, $"line longer than {MaxLineLength} characters");
            }

            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            {
                return SdpParseResult.Fail(lineNo, "expected <type>=<value>");
            }

            if (line.ContainsAny('\0', '\r'))
            {
                return SdpParseResult.Fail(lineNo, "control character in line");
            }

            char type = line[0];
            string value = line[2..].ToString();

            if (!sawVersion)
            {
                if (type != 'v')
                {
                    return SdpParseResult.Fail(lineNo, "the first line must be v=0");
                }

                if (value.Trim() != "0")
                {
                    return SdpParseResult.Fail(lineNo, $"unsupported SDP version '{Clip(value)}'");
                }

                sawVersion = true;
                continue;
            }

            if (session is null)
            {
                if (type != 'o')
                {
                    return SdpParseResult.Fail(lineNo, "o= must follow v=");
                }

                if (!TryParseOrigin(value, out var origin, out string? why))
                {
                    return SdpParseResult.Fail(lineNo, why!);
                }

                session = new SessionDescription(origin!);
                continue;
            }

            if (type == 'm')
            {
                if (session.MediaDescriptions.Count >= MaxMediaDescriptions)
                {
                    return SdpParseResult.Fail(lineNo, $"more than {MaxMediaDescriptions} m= lines");
                }

                if (!TryParseMedia(value, out media, out string? why))
                {
                    return SdpParseResult.Fail(lineNo, why!);
                }

                session.MediaDescriptions.Add(media!);
                attributeCount = 0;
                continue;
            }

            switch (type)
            {
                case 's' when media is null:
                    session.SessionName = value;
                    sawName = true;
                    break;
                case 'i':
                    if (media is null) session.Information = value; else media.Information = value;
                    break;
                case 'c':
                {
                    if (!TryParseConnection(value, out var c, out string? why)) return SdpParseResult.Fail(lineNo, why!);
                    if (media is null) session.Connection = c; else media.Connection = c;
                    break;
                }
                case 'b':
                {
                    if (!TryParseBandwidth(value, out var b, out string? why)) return SdpParseResult.Fail(lineNo, why!);
                    (media?.Bandwidths ?? session.Bandwidths).Add(b!);
                    break;
                }
                case 't' when media is null:
                    session.Timing.Add(value);
                    break;
                case 'a':
                {
                    if (++attributeCount > MaxAttributesPerSection)
                    {
                        return SdpParseResult.Fail(lineNo, $"more than {MaxAttributesPerSection} attributes in one section");
                    }

                    if (!TryParseAttribute(value, out var a, out string? why)) return SdpParseResult.Fail(lineNo, why!);
                    (media?.Attributes ?? session.Attributes).Add(a!);
                    break;
                }

                case 'v':
                    return SdpParseResult.Fail(lineNo, "second v= line");
                case 'o':
                    return SdpParseResult.Fail(lineNo, "second o= line");
                default:
                    // u=, e=, p=, r=, z=, k= and unknown types: kept at session level, ignored in media
                    // (RFC 8866 §5: unknown types are ignored).
                    if (media is null)
                    {
                        session.OtherLines.Add(new(type, value));
                    }

                    break;
            }
        }

        if (!sawVersion)
        {
            return SdpParseResult.Fail(0, "no v= line");
        }

        if (session is null)
        {
            return SdpParseResult.Fail(0, "no o= line");
        }

        if (!sawName)
        {
            session.SessionName = "-"; // some gateways omit s=; harmless for a call
        }

        return SdpParseResult.Ok(session);
    }

    /// <summary>Parses an rtpmap value "96 telephone-event/8000[/1]".</summary>
    public static bool TryParseRtpMap(string value, out SdpRtpMap map)
    {
        map = null!;
        var parts = value.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !TryParseInt(parts[0], 0, 127, out int pt))
        {
            return false;
        }

        var enc = parts[1].Split('/');
        if (enc.Length is < 2 or > 3 || enc[0].Length == 0 || !TryParseInt(enc[1], 1, 1_000_000, out int rate))
        {
            return false;
        }

        int? channels = null;
        if (enc.Length == 3)
        {
            if (!TryParseInt(enc[2], 1, 255, out int ch))
            {
                return false;
            }

            channels = ch;
        }

        map = new SdpRtpMap(pt, enc[0], rate, channels);
        return true;
    }

    private static bool TryParseOrigin(string value, out SdpOrigin? origin, out string? why)
    {
        origin = null;
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6) return Fail("o= needs 6 fields: username sess-id sess-version nettype addrtype address", out why);
        if (!ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong id)) return Fail($"o= session id '{Clip(f[1])}' is not a number", out why);
        if (!ulong.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong version)) return Fail($"o= session version '{Clip(f[2])}' is not a number", out why);

        origin = new SdpOrigin(f[0], id, version, f[3], f[4], f[5]);
        why = null;
        return true;
    }

    private static bool TryParseConnection(string value, out SdpConnection? connection, out string? why)
    {
        connection = null;
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 3) return Fail("c= needs 3 fields: nettype addrtype address", out why);
        if (f[0] != "IN") return Fail($"c= network type '{Clip(f[0])}' is not IN", out why);
        if (f[1] is not ("IP4" or "IP6")) return Fail($"c= address type '{Clip(f[1])}' is not IP4 or IP6", out why);

        // Multicast forms carry /ttl[/count]; we only keep the address.
        string address = f[2];
        int slash = address.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            address = address[..slash];
        }

        if (IPAddress.TryParse(address, out var ip))
        {
            bool v6 = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            if (v6 != (f[1] == "IP6")) return Fail($"c= address '{Clip(address)}' does not match address type {f[1]}", out why);
        }
        else if (address.Length == 0 || address.Length > 253 || !address.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-'))
        {
            why = $"c= address '{Clip(address)}' is neither an IP address nor a host name";
            return false;
        }

        connection = new SdpConnection(f[0], f[1], address);
        why = null;
        return true;
    }

    private static bool TryParseBandwidth(string value, out SdpBandwidth? bandwidth, out string? why)
    {
        bandwidth = null;
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(value.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v)
            || v > 100_000_000_000)
        {
            why = $"b= '{Clip(value)}' is not <bwtype>:<bandwidth>";
            return false;
        }

        bandwidth = new SdpBandwidth(value[..colon], v);
        why = null;
        return true;
    }

    private static bool TryParseAttribute(string value, out SdpAttribute? attribute, out string? why)
    {
        attribute = null;
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? value.Trim() : value[..colon];
        if (name.Length == 0 || name.Any(ch => ch is ' ' or '\t')) return Fail($"a= '{Clip(value)}' has no valid attribute name", out why);

        attribute = new SdpAttribute(name, colon < 0 ? null : value[(colon + 1)..]);
        why = null;
        return true;
    }

    private static bool TryParseMedia(string value, out SdpMediaDescription? media, out string? why)
    {
        media = null;
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 4) return Fail("m= needs media, port, protocol and at least one format", out why);
        if (f.Length - 3 > MaxFormatsPerMedia) return Fail($"m= lists more than {MaxFormatsPerMedia} formats", out why);

        string portText = f[1];
        int portCount = 1;
        int slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!TryParseInt(portText[(slash + 1)..], 1, 64, out portCount)) return Fail($"m= port count '{Clip(portText)}' is not a number from 1 to 64", out why);

            portText = portText[..slash];
        }

        if (!TryParseInt(portText, 0, 65535, out int port)) return Fail($"m= port '{Clip(portText)}' is not a number from 0 to 65535", out why);

        bool rtp = f[2].StartsWith("RTP/", StringComparison.OrdinalIgnoreCase);
        for (int i = 3; i < f.Length; i++)
        {
            if (rtp && !TryParseInt(f[i], 0, 127, out _)) return Fail($"m= RTP payload type '{Clip(f[i])}' is not a number from 0 to 127", out why);
        }

        media = new SdpMediaDescription(f[0], port, portCount, f[2], f.Skip(3));
        why = null;
        return true;
    }

    internal static bool TryParseInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    internal static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>A failed check: the reason goes to <paramref name="why"/>, the result is false.</summary>
    private static bool Fail(string reason, out string? why)
    {
        why = reason;
        return false;
    }
}
