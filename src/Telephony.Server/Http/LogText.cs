using System.Globalization;
using System.Text;

namespace Telephony.Server.Http;

/// <summary>
/// Makes untrusted text (a user name, a reason, a path) fit for one log line: at most
/// <see cref="MaxLength"/> characters, control characters (CR and LF forge log lines) and Unicode
/// bidi controls (they reorder what an operator reads) shown as <c>\uXXXX</c>, and a note of how
/// much was cut.
/// </summary>
public static class LogText
{
    /// <summary>The most characters of the original kept in a log line.</summary>
    public const int MaxLength = 64;

    /// <summary>The text as it may be logged; null stays "(none)".</summary>
    public static string Safe(string? text, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return "(none)";
        }
        var kept = text.Length > maxLength ? text.AsSpan(0, maxLength) : text.AsSpan();
        bool clean = true;
        foreach (var c in kept)
        {
            if (NeedsEscape(c))
            {
                clean = false;
                break;
            }
        }
        if (clean && kept.Length == text.Length)
        {
            return text;
        }
        var b = new StringBuilder(kept.Length + 16);
        foreach (var c in kept)
        {
            if (NeedsEscape(c))
            {
                b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                b.Append(c);
            }
        }
        if (kept.Length < text.Length)
        {
            b.Append(CultureInfo.InvariantCulture, $"…(+{text.Length - kept.Length} chars)");
        }
        return b.ToString();
    }

    /// <summary>True for control characters and the Unicode bidi formatting characters (<see cref="PlainText"/>).</summary>
    public static bool NeedsEscape(char c) => PlainText.IsForbidden(c);
}
