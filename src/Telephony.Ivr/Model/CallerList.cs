namespace Telephony.Ivr;

/// <summary>A set of caller numbers loaded from a data file (taxi drivers, deputies, …).</summary>
public sealed class CallerList
{
    private readonly HashSet<string> _numbers;

    public CallerList(string name, IEnumerable<string> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        Name = name;
        _numbers = new HashSet<string>(numbers.Select(Normalize), StringComparer.Ordinal);
    }

    public string Name { get; }

    public int Count => _numbers.Count;

    public bool Contains(string callerNumber) => _numbers.Contains(Normalize(callerNumber));

    /// <summary>
    /// Compares numbers as the trunk may present them: digits only, with China's country code
    /// (+86 / 0086 / 86 before an 11-digit mobile) removed, so "+86 138-0013-8000" matches "13800138000".
    /// </summary>
    public static string Normalize(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        number = UserPart(number);
        Span<char> digits = stackalloc char[Math.Min(number.Length, 64)];
        var n = 0;
        foreach (var c in number)
        {
            if (char.IsAsciiDigit(c) && n < digits.Length) digits[n++] = c;
        }
        var s = digits[..n];
        if (s.StartsWith("0086")) s = s[4..];
        else if (s.Length == 13 && s.StartsWith("86")) s = s[2..];
        return s.ToString();
    }

    /// <summary>The user part of a SIP/tel URI ("sip:12345@10.0.0.1;user=phone" → "12345"); a bare number unchanged.</summary>
    internal static string UserPart(string number)
    {
        var at = number.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) number = number[..at];
        var colon = number.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) number = number[(colon + 1)..];
        var semicolon = number.IndexOf(';', StringComparison.Ordinal);
        return semicolon >= 0 ? number[..semicolon] : number;
    }
}
