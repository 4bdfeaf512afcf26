namespace Telephony.Ivr;

/// <summary>
/// Builds "you are number N in the queue" from the prompts <c>queue-you-are</c>, the number
/// words under <c>num/</c>, and <c>queue-in-queue</c>, in Mandarin or English.
/// </summary>
public static class QueuePositionPhrase
{
    /// <summary>Prompt names to play for <paramref name="position"/> (1-based) in <paramref name="language"/>.</summary>
    public static IReadOnlyList<string> Prompts(string language, int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var names = new List<string> { "queue-you-are" };
        names.AddRange((language == "zh" ? Mandarin(position) : English(position)).Select(n => "num/" + n));
        names.Add("queue-in-queue");
        return names;
    }

    /// <summary>
    /// Prompt names for "the expected wait is about <paramref name="minutes"/> minutes" (prompts
    /// <c>queue-wait-about</c>, the number words, <c>queue-minutes</c>), said after the position.
    /// </summary>
    public static IReadOnlyList<string> ExpectedWait(string language, int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minutes);
        var names = new List<string> { "queue-wait-about" };
        names.AddRange((language == "zh" ? Mandarin(minutes) : English(minutes)).Select(n => "num/" + n));
        names.Add("queue-minutes");
        return names;
    }

    /// <summary>The number words, as names under num/ (e.g. 23 → 2, 10, 3 = 二十三).</summary>
    public static IEnumerable<string> Mandarin(int n)
    {
        if (n >= 1000) return Digits(n);
        var words = new List<string>();
        var hundreds = n / 100;
        var tens = n / 10 % 10;
        var ones = n % 10;
        if (hundreds > 0)
        {
            words.Add(hundreds == 2 ? "2-liang" : hundreds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            words.Add("100");
            if (tens == 0 && ones == 0) return words;
            if (tens == 0)
            {
                words.Add("0");  // 一百零五
                words.Add(Digit(ones));
                return words;
            }
        }
        if (tens > 0)
        {
            // 十二 alone, but 一百一十二 after hundreds.
            if (tens > 1 || hundreds > 0) words.Add(Digit(tens));
            words.Add("10");
        }
        if (ones > 0 || words.Count == 0) words.Add(Digit(ones));
        return words;
    }

    /// <summary>English words as names under num/: 0–19, the tens, and hundred (e.g. 142 → 1, 100, 40, 2).</summary>
    public static IEnumerable<string> English(int n)
    {
        if (n >= 1000) return Digits(n);
        var words = new List<string>();
        if (n >= 100)
        {
            words.Add(Digit(n / 100));
            words.Add("100");
            n %= 100;
            if (n == 0) return words;
        }
        if (n < 20)
        {
            words.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            words.Add((n / 10 * 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (n % 10 > 0) words.Add(Digit(n % 10));
        }
        return words;
    }

    private static IEnumerable<string> Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => c.ToString());

    private static string Digit(int d) => ((char)('0' + d)).ToString();
}
