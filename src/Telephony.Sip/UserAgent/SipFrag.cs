using System.Globalization;

namespace Telephony.Sip.UserAgent;

/// <summary>The status line of a <c>message/sipfrag</c> NOTIFY body (RFC 3515 §2.4.5, RFC 3420).</summary>
public static class SipFrag
{
    /// <summary>The content type.</summary>
    public const string ContentType = "message/sipfrag";

    /// <summary>Reads "SIP/2.0 200 OK" from the first line; false when it is not a status line.</summary>
    public static bool TryParseStatus(ReadOnlySpan<byte> body, out int statusCode, out string reason)
    {
        statusCode = 0;
        reason = string.Empty;
        var text = Encoding.UTF8.GetString(body.Length > 512 ? body[..512] : body);
        var line = text.Split('\n')[0].TrimEnd('\r');
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || parts[0] != "SIP/2.0" || parts[1].Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out statusCode) || statusCode < 100)
        {
            statusCode = 0;
            return false;
        }
        reason = parts.Length > 2 ? parts[2] : string.Empty;
        return true;
    }

    /// <summary>Writes a status-line fragment.</summary>
    public static byte[] Format(int statusCode, string reason) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {statusCode} {reason}\r\n"));
}
