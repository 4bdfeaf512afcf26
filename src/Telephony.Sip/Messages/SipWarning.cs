using System.Globalization;
using System.Text;

namespace Telephony.Sip.Messages;

/// <summary>
/// Warning header values (RFC 3261 §20.43): <c>warn-code SP warn-agent SP "warn-text"</c>. The text may
/// carry pieces of a peer's hostile input (an SDP line it sent), so it is made a safe quoted string here.
/// </summary>
public static class SipWarning
{
    /// <summary>305 Incompatible media format: the offer's media cannot be used (RFC 3261 §20.43).</summary>
    public const int IncompatibleMediaFormat = 305;

    /// <summary>Longest warn-text we send.</summary>
    public const int MaxTextLength = 200;

    /// <summary>One warning value; <paramref name="agent"/> is a host or pseudonym token.</summary>
    public static string Format(int code, string agent, string text)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 399);
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + agent.Length + 8);
        sb.Append(code.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(agent).Append(" \"");
        foreach (char c in text.Length > MaxTextLength ? text[..MaxTextLength] : text)
        {
            // quoted-string (RFC 3261 §25.1): no controls; quotes and backslashes escaped.
            if (char.IsControl(c))
            {
                sb.Append(' ');
                continue;
            }
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
