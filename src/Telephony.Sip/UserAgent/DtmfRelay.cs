using System.Globalization;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// The <c>application/dtmf-relay</c> INFO body used by many phones: lines <c>Signal=5</c> and
/// <c>Duration=160</c> (milliseconds). Digits 0-9, *, #, A-D and the event codes 10/11 for * and #.
/// </summary>
public static class DtmfRelay
{
    /// <summary>The content type.</summary>
    public const string ContentType = "application/dtmf-relay";

    /// <summary>Parses a body; false when it has no valid Signal line. Duration defaults to 100 ms.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out char digit, out int durationMs)
    {
        digit = default;
        durationMs = 100;
        if (body.Length > 1024)
        {
            return false;
        }
        bool found = false;
        foreach (var rawLine in Encoding.ASCII.GetString(body).Split('\n'))
        {
            var line = rawLine.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var name = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                if (value == "10")
                {
                    value = "*";
                }
                else if (value == "11")
                {
                    value = "#";
                }
                if (value.Length != 1 || !IsDigit(char.ToUpperInvariant(value[0])))
                {
                    return false;
                }
                digit = char.ToUpperInvariant(value[0]);
                found = true;
            }
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is > 0 and <= 60_000)
            {
                durationMs = d;
            }
        }
        return found;
    }

    /// <summary>Writes a body for <paramref name="digit"/>.</summary>
    public static byte[] Format(char digit, int durationMs)
    {
        if (!IsDigit(char.ToUpperInvariant(digit)))
        {
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "not a DTMF digit");
        }
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Signal={char.ToUpperInvariant(digit)}\r\nDuration={durationMs}\r\n"));
    }

    private static bool IsDigit(char c) => char.IsAsciiDigit(c) || c is '*' or '#' or >= 'A' and <= 'D';
}
