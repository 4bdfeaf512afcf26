using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr.Loading;

/// <summary>
/// Parses the compact schedule syntax: <c>days: mon-fri</c> or <c>[mon, wed]</c>, and
/// <c>hours: 08:30-12:00</c> or a list of such ranges. Errors point at the offending token.
/// </summary>
internal static class ScheduleSyntax
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static HashSet<DayOfWeek> ParseDays(IEnumerable<YamlScalarNode> items, Diagnostics d)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var item in items)
        {
            foreach (var (token, offset) in Tokens(item.Value ?? ""))
            {
                var dash = token.IndexOf('-', StringComparison.Ordinal);
                var first = dash < 0 ? token : token[..dash];
                var last = dash < 0 ? token : token[(dash + 1)..];
                var a = Array.IndexOf(DayNames, first.ToLowerInvariant());
                var b = Array.IndexOf(DayNames, last.ToLowerInvariant());
                if (a < 0 || b < 0)
                {
                    var bad = a < 0 ? first : last;
                    var badOffset = a < 0 ? offset : offset + dash + 1;
                    d.Error(At(d, item, badOffset), $"unknown day '{bad}' (expected mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri)");
                    continue;
                }
                // Ranges may wrap the week: fri-mon is fri, sat, sun, mon.
                for (var i = a; ; i = (i + 1) % 7)
                {
                    days.Add((DayOfWeek)i);
                    if (i == b) break;
                }
            }
        }
        return days;
    }

    public static List<TimeRange> ParseHours(IEnumerable<YamlScalarNode> items, Diagnostics d)
    {
        var ranges = new List<TimeRange>();
        foreach (var item in items)
        {
            foreach (var (token, offset) in Tokens(item.Value ?? ""))
            {
                var dash = token.IndexOf('-', StringComparison.Ordinal);
                TimeSpan start = default, end = default;
                if (dash < 0 || !TryTime(token[..dash], allow24: false, out start) || !TryTime(token[(dash + 1)..], allow24: true, out end))
                {
                    d.Error(At(d, item, offset), $"hours '{token}' must be a range such as 08:30-17:30 (24-hour clock)");
                    continue;
                }
                if (end <= start)
                {
                    d.Error(At(d, item, offset), $"hours '{token}' end before they start (split a range across midnight into two)");
                    continue;
                }
                ranges.Add(new TimeRange(start, end));
            }
        }
        if (ranges.Count == 0 && d.Count == 0 && items.FirstOrDefault() is { } firstItem)
        {
            d.Error(firstItem, "'hours' lists no ranges");
        }
        return ranges;
    }

    private static bool TryTime(string text, bool allow24, out TimeSpan time)
    {
        time = default;
        var parts = text.Split(':');
        if (parts.Length != 2 || parts[0].Length is < 1 or > 2 || parts[1].Length != 2) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (m > 59) return false;
        if (h == 24 && m == 0 && allow24)
        {
            time = TimeSpan.FromHours(24);
            return true;
        }
        if (h > 23) return false;
        time = new TimeSpan(h, m, 0);
        return true;
    }

    /// <summary>Comma- or space-separated tokens with their offsets in the value.</summary>
    private static IEnumerable<(string Token, int Offset)> Tokens(string value)
    {
        var i = 0;
        while (i < value.Length)
        {
            while (i < value.Length && (value[i] == ',' || char.IsWhiteSpace(value[i]))) i++;
            var start = i;
            while (i < value.Length && value[i] != ',' && !char.IsWhiteSpace(value[i])) i++;
            if (i > start) yield return (value[start..i], start);
        }
    }

    /// <summary>Column of a character inside a one-line scalar (plain or quoted); else the scalar's start.</summary>
    internal static SourceLocation At(Diagnostics d, YamlScalarNode node, int offset)
    {
        var location = d.Location(node);
        if (node.Start.Line != node.End.Line) return location;
        return node.Style switch
        {
            ScalarStyle.Plain or ScalarStyle.Any => location with { Column = location.Column + offset },
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted when !(node.Value ?? "").Contains('\\', StringComparison.Ordinal) && !(node.Value ?? "").Contains('\'', StringComparison.Ordinal)
                => location with { Column = location.Column + 1 + offset },
            _ => location,
        };
    }
}
