using System.Collections;

namespace Telephony.Sip.Messages;

/// <summary>One <c>name[=value]</c> parameter. <see cref="Value"/> is null for a flag parameter (e.g. <c>lr</c>).</summary>
public readonly record struct SipParameter(string Name, string? Value);

/// <summary>
/// An ordered, immutable list of parameters (header params §25.1 generic-param, or URI params).
/// Lookup by name is case-insensitive. Quoted values are stored unquoted.
/// </summary>
public sealed class SipParameters : IReadOnlyList<SipParameter>
{
    private readonly SipParameter[] _items;

    public static SipParameters Empty { get; } = new([], owned: true);

    public SipParameters(IEnumerable<SipParameter> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
    }

    private SipParameters(SipParameter[] items, bool owned)
    {
        _ = owned;
        _items = items;
    }

    [ThreadStatic]
    private static List<SipParameter>? t_scratch;

    public int Count => _items.Length;

    public SipParameter this[int index] => _items[index];

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value of the first parameter named <paramref name="name"/>; null if absent or a flag.</summary>
    public string? Get(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : _items[i].Value;
    }

    public bool TryGet(string name, out string? value)
    {
        var i = IndexOf(name);
        value = i < 0 ? null : _items[i].Value;
        return i >= 0;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>A copy with <paramref name="name"/> set (replaced in place or appended).</summary>
    public SipParameters With(string name, string? value)
    {
        var list = _items.ToList();
        var i = IndexOf(name);
        if (i >= 0) list[i] = new SipParameter(list[i].Name, value);
        else list.Add(new SipParameter(name, value));
        return new SipParameters(list);
    }

    /// <summary>A copy without any parameter named <paramref name="name"/>.</summary>
    public SipParameters Without(string name) =>
        new(_items.Where(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)));

    public IEnumerator<SipParameter> GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>Writes <c>;name=value</c> for each parameter; values that are not tokens are quoted.</summary>
    public void AppendTo(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        foreach (var p in _items)
        {
            sb.Append(';').Append(p.Name);
            if (p.Value is null) continue;
            sb.Append('=');
            sb.Append(NeedsQuoting(p.Value) ? SipSyntax.Quote(p.Value) : p.Value);
        }
    }

    private static bool NeedsQuoting(string v)
    {
        if (v.Length == 0) return true;
        foreach (var c in v)
        {
            // gen-value = token / host / quoted-string; host adds ':' '[' ']'.
            if (!SipSyntax.IsTokenChar(c) && c is not (':' or '[' or ']')) return true;
        }
        return false;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    /// <summary>
    /// Parses <c>*( SEMI generic-param )</c> from <paramref name="s"/> at <paramref name="i"/>, allowing LWS
    /// around ';' and '='. Stops at end, or at a top-level ',' when <paramref name="stopAtComma"/>.
    /// Returns false with a reason on an empty or malformed parameter.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<char> s, ref int i, bool stopAtComma, out SipParameters parameters, out string? error)
    {
        parameters = Empty;
        error = null;
        var list = t_scratch ?? new List<SipParameter>(8);
        t_scratch = null;
        list.Clear();
        while (true)
        {
            i = SipSyntax.SkipWs(s, i);
            if (i >= s.Length || (stopAtComma && s[i] == ',')) break;
            if (s[i] != ';')
            {
                error = $"unexpected '{s[i]}' where a ';' parameter was expected";
                return false;
            }
            i++;
            if (!SipSyntax.TryReadToken(s, ref i, "empty parameter name", out var name, out error)) return false;
            string? value = null;
            var j = SipSyntax.SkipWs(s, i);
            if (j < s.Length && s[j] == '=')
            {
                j = SipSyntax.SkipWs(s, j + 1);
                if (j < s.Length && s[j] == '"')
                {
                    if (!SipSyntax.TryReadQuoted(s, j, out var q, out var end))
                    {
                        error = $"unterminated quoted value of parameter '{name}'";
                        return false;
                    }
                    value = q;
                    i = end;
                }
                else
                {
                    var vStart = j;
                    while (j < s.Length && (SipSyntax.IsTokenChar(s[j]) || s[j] is ':' or '[' or ']')) j++;
                    if (j == vStart)
                    {
                        error = $"empty value of parameter '{name}'";
                        return false;
                    }
                    value = SipSyntax.Intern(s[vStart..j]);
                    i = j;
                }
            }
            list.Add(new SipParameter(name, value));
        }
        if (list.Count > 0) parameters = new SipParameters(list.ToArray(), owned: true);
        list.Clear();
        t_scratch = list;
        return true;
    }
}
