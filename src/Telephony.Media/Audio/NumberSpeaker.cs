namespace Telephony.Media.Audio;

/// <summary>
/// Turns a number into the prompt words that say it, from recorded digits and units.
/// <para>English keys: "0".."19", "20","30",…,"90", "hundred", "thousand", "million"
/// (345 → 3 hundred 40 5).</para>
/// <para>Chinese keys: "0".."9" (零…九), "10" (十), "100" (百), "1000" (千), "10000" (万),
/// "100000000" (亿); 10-19 drop the leading 一 (十三), inner zeros say 零 once (305 → 3 百 0 5),
/// trailing zeros are silent (3000 → 3 千).</para>
/// </summary>
public static class NumberSpeaker
{
    public static IReadOnlyList<string> Words(long number, string language)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        return language.ToUpperInvariant() switch
        {
            "EN" => English(number),
            "ZH" => Chinese(number),
            _ => throw new ArgumentException($"No number speaker for language '{language}' (en, zh).", nameof(language)),
        };
    }

    private static List<string> English(long n)
    {
        if (n > 999_999_999)
            throw new ArgumentOutOfRangeException(nameof(n), "English numbers up to 999,999,999.");
        var words = new List<string>();
        if (n == 0)
        {
            words.Add("0");
            return words;
        }
        EnglishGroup(words, n / 1_000_000, "million");
        EnglishGroup(words, n / 1000 % 1000, "thousand");
        EnglishGroup(words, n % 1000, null);
        return words;
    }

    private static void EnglishGroup(List<string> words, long n, string? scale)
    {
        if (n == 0)
            return;
        if (n >= 100)
        {
            words.Add((n / 100).ToString(System.Globalization.CultureInfo.InvariantCulture));
            words.Add("hundred");
            n %= 100;
        }
        if (n >= 20)
        {
            words.Add((n / 10 * 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
            n %= 10;
        }
        if (n > 0)
            words.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (scale is not null)
            words.Add(scale);
    }

    private static List<string> Chinese(long n)
    {
        if (n > 999_999_999_999)
            throw new ArgumentOutOfRangeException(nameof(n), "Chinese numbers below one trillion.");
        var words = new List<string>();
        if (n == 0)
        {
            words.Add("0");
            return words;
        }
        long yi = n / 100_000_000, wan = n / 10_000 % 10_000, rest = n % 10_000;
        bool started = false;
        bool pendingZero = false;
        foreach (var (group, unit) in new[] { (yi, "100000000"), (wan, "10000"), (rest, (string?)null) })
        {
            if (group == 0)
            {
                pendingZero |= started;
                continue;
            }
            if (started && (pendingZero || group < 1000))
                words.Add("0");
            ChineseGroup(words, group, leading: !started);
            if (unit is not null)
                words.Add(unit);
            started = true;
            pendingZero = false;
        }
        return words;
    }

    /// <summary>Says 1..9999 with 千百十.</summary>
    private static void ChineseGroup(List<string> words, long n, bool leading)
    {
        string[] units = ["1000", "100", "10", ""];
        long[] divisors = [1000, 100, 10, 1];
        bool zero = false;
        bool any = false;
        for (int i = 0; i < 4; i++)
        {
            long digit = n / divisors[i] % 10;
            if (digit == 0)
            {
                zero |= any;
                continue;
            }
            if (zero)
            {
                words.Add("0");
                zero = false;
            }
            // 十三, not 一十三, at the very start of a number.
            if (!(digit == 1 && i == 2 && !any && leading))
                words.Add(digit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (units[i].Length > 0)
                words.Add(units[i]);
            any = true;
        }
    }
}

/// <summary>
/// Prompt files by language and key: <c>{root}/{language}/{key}.wav</c>, decoded through a shared
/// <see cref="PromptCache"/>. Builds players for sentences such as the queue position.
/// </summary>
public sealed class PromptLibrary(string root, PromptCache cache)
{
    public string Root { get; } = root;

    public Prompt Get(string language, string key)
    {
        if (key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key) || language.IndexOfAny(['/', '\\', '.']) >= 0)
            throw new ArgumentException($"Bad prompt key '{language}/{key}'.", nameof(key));
        return cache.Get(Path.Combine(Root, language, key + ".wav"));
    }

    /// <summary>A number said in <paramref name="language"/>.</summary>
    public PromptPlayer Number(long number, string language) =>
        new(NumberSpeaker.Words(number, language).Select(w => Get(language, w)));

    /// <summary>Prompts and numbers in order: strings are keys, integers are said as numbers.</summary>
    public PromptPlayer Sentence(string language, params object[] parts)
    {
        var prompts = new List<Prompt>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case string key:
                    prompts.Add(Get(language, key));
                    break;
                case int or long:
                    prompts.AddRange(NumberSpeaker.Words(Convert.ToInt64(part, System.Globalization.CultureInfo.InvariantCulture), language).Select(w => Get(language, w)));
                    break;
                default:
                    throw new ArgumentException($"Sentence parts are prompt keys or integers, not {part?.GetType().Name ?? "null"}.", nameof(parts));
            }
        }
        return new PromptPlayer(prompts);
    }

    /// <summary>"You are number N in the queue" from the keys "queue-you-are-number" and "queue-in-the-queue".</summary>
    public PromptPlayer QueuePosition(int position, string language) =>
        Sentence(language, "queue-you-are-number", position, "queue-in-the-queue");
}
