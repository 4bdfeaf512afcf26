using System.Globalization;
using System.Text.RegularExpressions;

namespace Telephony.Ivr.Loading;

/// <summary>
/// Reads the plain-text data files a script names. One entry per line, <c>#</c> starts a
/// comment; every bad line is reported with the data file's own line and column.
/// </summary>
internal static partial class DataFileParser
{
    /// <summary>Caller list: a number per line, anything after it (a name, a note) ignored.</summary>
    public static CallerList ParseCallers(string name, string text, string file, Diagnostics d)
    {
        var numbers = new List<string>();
        foreach (var (line, tokens) in Lines(text))
        {
            var (number, col) = tokens[0];
            if (CallerNumberPattern().IsMatch(number) && CallerList.Normalize(number).Length >= 3) numbers.Add(number);
            else d.Error(new SourceLocation(file, line, col), $"'{number}' is not a phone number (digits, optional leading +, '-' allowed)");
        }
        return new CallerList(name, numbers);
    }

    /// <summary>Holidays: <c>2026-10-01</c> or <c>2026-10-01..2026-10-07</c>, then an optional name.</summary>
    public static HolidayCalendar ParseHolidays(string name, string text, string file, Diagnostics d)
    {
        var dates = new List<DateOnly>();
        foreach (var (line, tokens) in Lines(text))
        {
            var (token, col) = tokens[0];
            var parts = token.Split("..");
            if (parts.Length > 2 || !TryDate(parts[0], out var first))
            {
                d.Error(new SourceLocation(file, line, col), $"'{token}' is not a date (yyyy-MM-dd) or a range (yyyy-MM-dd..yyyy-MM-dd)");
                continue;
            }
            var last = first;
            if (parts.Length == 2 && !TryDate(parts[1], out last))
            {
                d.Error(new SourceLocation(file, line, col + parts[0].Length + 2), $"'{parts[1]}' is not a date (yyyy-MM-dd)");
                continue;
            }
            if (last < first || last.DayNumber - first.DayNumber > 366)
            {
                d.Error(new SourceLocation(file, line, col), $"range '{token}' must run forwards and span at most a year");
                continue;
            }
            for (var day = first; day <= last; day = day.AddDays(1)) dates.Add(day);
        }
        return new HolidayCalendar(name, dates);
    }

    /// <summary>Info table: <c>key prompt [prompt…]</c>; keys are digits (caller-entered) or a word (fixed entries).</summary>
    public static InfoTable ParseInfo(string name, string text, string file, Diagnostics d, Func<string, SourceLocation, bool> checkPrompt)
    {
        var entries = new Dictionary<string, PromptList>(StringComparer.Ordinal);
        foreach (var (line, tokens) in Lines(text))
        {
            var (key, col) = tokens[0];
            if (!InfoKeyPattern().IsMatch(key))
            {
                d.Error(new SourceLocation(file, line, col), $"info key '{key}' must be digits (up to 8) or a word such as 'today'");
                continue;
            }
            if (entries.ContainsKey(key))
            {
                d.Error(new SourceLocation(file, line, col), $"info key '{key}' appears twice");
                continue;
            }
            if (tokens.Count < 2)
            {
                d.Error(new SourceLocation(file, line, col + key.Length), $"info key '{key}' names no prompt");
                continue;
            }
            var prompts = new List<string>();
            var ok = true;
            foreach (var (prompt, promptCol) in tokens.Skip(1))
            {
                ok &= checkPrompt(prompt, new SourceLocation(file, line, promptCol));
                prompts.Add(prompt);
            }
            if (ok) entries[key] = new PromptList(prompts);
        }
        return new InfoTable(name, entries);
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Non-empty, non-comment lines as (1-based line, tokens with 1-based columns).</summary>
    private static IEnumerable<(int Line, List<(string Token, int Column)> Tokens)> Lines(string text)
    {
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            var tokens = new List<(string, int)>();
            var i = 0;
            while (i < line.Length)
            {
                while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
                if (i >= line.Length || line[i] == '#') break;
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                tokens.Add((line[start..i], start + 1));
            }
            if (tokens.Count > 0) yield return (lineNumber, tokens);
        }
    }

    [GeneratedRegex(@"^\+?[0-9][0-9-]{2,24}$")]
    private static partial Regex CallerNumberPattern();

    [GeneratedRegex(@"^([0-9]{1,8}|[a-z][a-z0-9_-]*)$")]
    private static partial Regex InfoKeyPattern();
}
