namespace Telephony.Sip.Dialogs;

/// <summary>
/// A Route / Record-Route value as text (a name-addr such as <c>&lt;sip:p1.example.com;lr&gt;</c>) with
/// the two facts routing needs: its URI and whether that URI carries <c>lr</c> (RFC 3261 §19.1.1).
/// </summary>
public readonly record struct RouteEntry(string Value)
{
    /// <summary>The URI inside the angle brackets (or the whole value when there are none).</summary>
    public string Uri
    {
        get
        {
            int open = Value.IndexOf('<', StringComparison.Ordinal);
            int close = open >= 0 ? Value.IndexOf('>', open + 1) : -1;
            if (open >= 0 && close > open)
            {
                return Value[(open + 1)..close].Trim();
            }
            int semicolon = Value.IndexOf(';', StringComparison.Ordinal);
            return (semicolon >= 0 ? Value[..semicolon] : Value).Trim();
        }
    }

    /// <summary>True when the URI has the <c>lr</c> parameter: a loose router (RFC 3261 §16.12).</summary>
    public bool IsLooseRouter
    {
        get
        {
            var uri = Uri;
            int headers = uri.IndexOf('?', StringComparison.Ordinal);
            if (headers >= 0)
            {
                uri = uri[..headers];
            }
            foreach (var part in uri.Split(';').Skip(1))
            {
                var name = part.Split('=', 2)[0].Trim();
                if (name.Equals("lr", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Splits header values (which may hold several comma separated entries) into entries, honouring quotes and brackets.</summary>
    public static List<RouteEntry> Split(IEnumerable<string> headerValues)
    {
        var entries = new List<RouteEntry>();
        foreach (var value in headerValues)
        {
            int depth = 0;
            bool quoted = false;
            int start = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '"' && (i == 0 || value[i - 1] != '\\'))
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == '<')
                {
                    depth++;
                }
                else if (!quoted && c == '>')
                {
                    depth--;
                }
                else if (!quoted && depth == 0 && c == ',')
                {
                    Add(value[start..i]);
                    start = i + 1;
                }
            }
            Add(value[start..]);
        }
        return entries;

        void Add(string part)
        {
            part = part.Trim();
            if (part.Length > 0)
            {
                entries.Add(new RouteEntry(part));
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
