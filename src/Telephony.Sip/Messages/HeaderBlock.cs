namespace Telephony.Sip.Messages;

/// <summary>One header line located in the original buffer (value trimmed, may contain folding).</summary>
internal struct HeaderEntry
{
    public int NameStart;
    public int NameLength;
    public int ValueStart;
    public int ValueLength;
    public HeaderKind Kind;
    public bool Folded;
}

/// <summary>
/// The index of a message's header lines over its original bytes. Strings are created only when a
/// header is read, and cached.
/// </summary>
internal sealed class HeaderBlock
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly HeaderEntry[] _entries;
    private string?[]? _values;

    public HeaderBlock(ReadOnlyMemory<byte> buffer, HeaderEntry[] entries, int count)
    {
        _buffer = buffer;
        _entries = entries;
        Count = count;
    }

    public int Count { get; }

    public ReadOnlyMemory<byte> Buffer => _buffer;

    public ref readonly HeaderEntry this[int index] => ref _entries[index];

    public HeaderKind KindAt(int index) => _entries[index].Kind;

    public string NameAt(int index)
    {
        ref readonly var e = ref _entries[index];
        if (e.Kind != HeaderKind.Unknown && e.NameLength > 1 &&
            SipHeaderNames.CanonicalName(e.Kind).Length == e.NameLength)
        {
            // Same spelling up to case as the canonical name: reuse the constant when identical.
            var canon = SipHeaderNames.CanonicalName(e.Kind);
            var span = _buffer.Span.Slice(e.NameStart, e.NameLength);
            var same = true;
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] != canon[i]) { same = false; break; }
            }
            if (same) return canon;
        }
        return Encoding.ASCII.GetString(_buffer.Span.Slice(e.NameStart, e.NameLength));
    }

    public ReadOnlySpan<byte> RawValueAt(int index)
    {
        ref readonly var e = ref _entries[index];
        return _buffer.Span.Slice(e.ValueStart, e.ValueLength);
    }

    /// <summary>The value as a string with folding (CRLF + whitespace) replaced by a single space (§7.3.1).</summary>
    public string ValueAt(int index)
    {
        _values ??= new string?[Count];
        return _values[index] ??= Decode(index);
    }

    private string Decode(int index)
    {
        ref readonly var e = ref _entries[index];
        var raw = _buffer.Span.Slice(e.ValueStart, e.ValueLength);
        if (!e.Folded) return Encoding.UTF8.GetString(raw);
        var tmp = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b is (byte)'\r' or (byte)'\n')
            {
                while (n > 0 && tmp[n - 1] is (byte)' ' or (byte)'\t') n--;
                while (i + 1 < raw.Length && raw[i + 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
                tmp[n++] = (byte)' ';
            }
            else
            {
                tmp[n++] = b;
            }
        }
        return Encoding.UTF8.GetString(tmp, 0, n);
    }

    public int IndexOf(HeaderKind kind, int start = 0)
    {
        for (var i = start; i < Count; i++)
        {
            if (_entries[i].Kind == kind) return i;
        }
        return -1;
    }

    public int IndexOf(string name, int start = 0)
    {
        var kind = SipHeaderNames.Lookup(name);
        if (kind != HeaderKind.Unknown) return IndexOf(kind, start);
        for (var i = start; i < Count; i++)
        {
            ref readonly var e = ref _entries[i];
            if (e.Kind == HeaderKind.Unknown && e.NameLength == name.Length && AsciiEqualsIgnoreCase(_buffer.Span.Slice(e.NameStart, e.NameLength), name))
                return i;
        }
        return -1;
    }

    public int CountOf(HeaderKind kind)
    {
        var n = 0;
        for (var i = 0; i < Count; i++)
        {
            if (_entries[i].Kind == kind) n++;
        }
        return n;
    }

    public string? First(HeaderKind kind)
    {
        var i = IndexOf(kind);
        return i < 0 ? null : ValueAt(i);
    }

    private static bool AsciiEqualsIgnoreCase(ReadOnlySpan<byte> a, string b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y) continue;
            if (y > 0x7f || (x | 0x20) != (y | 0x20) || !char.IsAsciiLetter(y)) return false;
        }
        return true;
    }
}
