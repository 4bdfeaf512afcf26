namespace Telephony.Sip.Auth;

/// <summary>
/// Parses and writes the comma separated auth-param list that follows the scheme in
/// WWW-Authenticate / Authorization (RFC 3261 §25.1 digest-cln / dig-resp). Bounded: at most
/// <see cref="MaxParams"/> parameters; malformed input returns false, never throws.
/// </summary>
public static class AuthParams
{
    /// <summary>Upper bound on parameters we accept in one header.</summary>
    public const int MaxParams = 32;

    /// <summary>Splits "Digest a=b, c="d"" into the scheme and its parameters (names lower-cased).</summary>
    public static bool TryParse(string value, out string scheme, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        scheme = string.Empty;
        var span = value.AsSpan().Trim();
        int space = span.IndexOfAny(' ', '\t');
        if (space <= 0)
        {
            return false;
        }
        scheme = span[..space].ToString();
        var rest = span[space..];
        int i = 0;
        while (i < rest.Length)
        {
            while (i < rest.Length && (rest[i] is ' ' or '\t' or ',' or '\r' or '\n'))
            {
                i++;
            }
            if (i >= rest.Length)
            {
                break;
            }
            int nameStart = i;
            while (i < rest.Length && rest[i] != '=' && rest[i] != ',' && rest[i] != ' ' && rest[i] != '\t')
            {
                i++;
            }
            var name = rest[nameStart..i].ToString();
            while (i < rest.Length && (rest[i] is ' ' or '\t'))
            {
                i++;
            }
            if (name.Length == 0 || i >= rest.Length || rest[i] != '=')
            {
                return false;
            }
            i++;
            while (i < rest.Length && (rest[i] is ' ' or '\t'))
            {
                i++;
            }
            string paramValue;
            if (i < rest.Length && rest[i] == '"')
            {
                i++;
                var sb = new StringBuilder();
                bool closed = false;
                while (i < rest.Length)
                {
                    char c = rest[i++];
                    if (c == '\\' && i < rest.Length)
                    {
                        sb.Append(rest[i++]);
                    }
                    else if (c == '"')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }
                if (!closed)
                {
                    return false;
                }
                paramValue = sb.ToString();
            }
            else
            {
                int valueStart = i;
                while (i < rest.Length && rest[i] != ',' && rest[i] != ' ' && rest[i] != '\t')
                {
                    i++;
                }
                paramValue = rest[valueStart..i].ToString();
            }
            if (parameters.Count >= MaxParams)
            {
                return false;
            }
            parameters[name] = paramValue;
        }
        return true;
    }

    /// <summary>Writes a quoted-string (RFC 3261 §25.1), escaping quote and backslash.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
