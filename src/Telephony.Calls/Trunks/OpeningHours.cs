using System.Globalization;
using System.Text.RegularExpressions;

namespace Telephony.Calls.Trunks;

/// <summary>
/// Reads the directory's hours as people write them: "24 h", or days and a time range such as
/// "Mon-Fri 9:00-17:00" (hyphen or en dash). Anything else is "not known", which the dial plan
/// treats as open: a typo in the directory must not stop an agent from reaching a department.
/// Public holidays are not known here (the IVR's calendar is the script's), so a department on a
/// holiday rings unanswered rather than being refused.
/// </summary>
internal static partial class OpeningHours
{
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>True when open at <paramref name="local"/> (the centre's local time), false when closed, null when the text is not understood.</summary>
    public static bool? IsOpen(string? hours, DateTime local)
    {
        if (string.IsNullOrWhiteSpace(hours))
        {
            return null;
        }
        var text = hours.Trim().Replace('–', '-').ToLowerInvariant();
        if (text is "24 h" or "24h" or "24/7")
        {
            return true;
        }
        var m = DaysAndTimes().Match(text);
        if (!m.Success)
        {
            return null;
        }
        int first = Array.IndexOf(Days, m.Groups["d1"].Value[..3]);
        int last = m.Groups["d2"].Success ? Array.IndexOf(Days, m.Groups["d2"].Value[..3]) : first;
        if (first < 0 || last < 0)
        {
            return null;
        }
        int day = (int)local.DayOfWeek;
        bool dayOpen = first <= last ? day >= first && day <= last : day >= first || day <= last;
        var from = TimeSpan.ParseExact(m.Groups["t1"].Value, @"h\:mm", CultureInfo.InvariantCulture);
        var to = TimeSpan.ParseExact(m.Groups["t2"].Value, @"h\:mm", CultureInfo.InvariantCulture);
        return dayOpen && local.TimeOfDay >= from && local.TimeOfDay < to;
    }

    [GeneratedRegex(@"^(?<d1>[a-z]{3})[a-z]*\s*(-\s*(?<d2>[a-z]{3})[a-z]*)?\s+(?<t1>\d{1,2}:\d{2})\s*-\s*(?<t2>\d{1,2}:\d{2})$")]
    private static partial Regex DaysAndTimes();
}
