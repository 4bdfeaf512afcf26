using System.Globalization;

namespace Telephony.Media.Dtmf;

/// <summary>A digit carried in a SIP INFO body.</summary>
public readonly record struct DtmfInfo(char Digit, int DurationMilliseconds);

/// <summary>
/// Parses SIP INFO DTMF bodies: <c>application/dtmf-relay</c> (lines "Signal=5" and
/// "Duration=160", the de-facto format) and <c>application/dtmf</c> (the digit alone, or an
/// event code 0-15). Bad bodies give a reason, never an exception.
/// </summary>
public static class DtmfInfoParser
{
    public const int DefaultDurationMilliseconds = 160;
    private const int MaxBodyLength = 1024;

    public static bool TryParse(string contentType, string body, out DtmfInfo info, out string error)
    {
        info = default;
        error = "";
        if (string.IsNullOrEmpty(contentType) || body is null)
        {
            error = "missing content type or body";
            return false;
        }
        if (body.Length > MaxBodyLength)
        {
            error = "DTMF body too long";
            return false;
        }
        string mediaType = contentType.Split(';', 2)[0].Trim();
        if (mediaType.Equals("application/dtmf-relay", StringComparison.OrdinalIgnoreCase))
            return TryParseRelay(body, out info, out error);
        if (mediaType.Equals("application/dtmf", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseSignal(body.Trim(), out char digit, out error))
                return false;
            info = new DtmfInfo(digit, DefaultDurationMilliseconds);
            return true;
        }
        error = $"unsupported DTMF content type '{mediaType}'";
        return false;
    }

    private static bool TryParseRelay(string body, out DtmfInfo info, out string error)
    {
        info = default;
        error = "";
        char? digit = null;
        int duration = DefaultDurationMilliseconds;
        foreach (var rawLine in body.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.Length == 0)
                continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"malformed line '{line}'";
                return false;
            }
            string name = line[..eq].Trim();
            string value = line[(eq + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryParseSignal(value, out char d, out error))
                    return false;
                digit = d;
            }
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out duration) || duration is <= 0 or > 60000)
                {
                    error = $"bad Duration '{value}'";
                    return false;
                }
            }
            // Other lines are ignored (extensions).
        }
        if (digit is null)
        {
            error = "no Signal line";
            return false;
        }
        info = new DtmfInfo(digit.Value, duration);
        return true;
    }

    private static bool TryParseSignal(string value, out char digit, out string error)
    {
        digit = '\0';
        error = "";
        if (value.Length == 1 && DtmfDigits.IsDigit(value[0]))
        {
            digit = char.ToUpperInvariant(value[0]);
            return true;
        }
        // Some gateways send the RFC 4733 event code instead (10 = *, 11 = #, 12-15 = A-D).
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int code) && DtmfDigits.TryGetDigit(code, out digit))
            return true;
        error = $"bad Signal '{value}'";
        return false;
    }
}
