using System.Globalization;
using System.Text.RegularExpressions;

namespace Telephony.Server.Tests.Operations;

/// <summary>One sample of a scrape: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a <c># HELP</c>, a
/// <c># TYPE</c>, another comment, blank, or a sample <c>name{label="value",…} value [timestamp]</c>; names and label
/// names follow the format's character rules; a family has at most one TYPE, given before its samples, of a known
/// type; every sample belongs to a typed family. Throws <see cref="FormatException"/> naming the line otherwise.
/// </summary>
internal sealed partial class PrometheusText
{
    private static readonly string[] Suffixes = ["_total", "_bucket", "_sum", "_count", "_created"];

    /// <summary>The TYPE of each family.</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Every sample, in order.</summary>
    public List<PrometheusSample> Samples { get; } = [];

    /// <summary>Parses a scrape.</summary>
    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        int number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                var type = TypeLine().Match(line);
                if (type.Success)
                {
                    if (!result.Types.TryAdd(type.Groups[1].Value, type.Groups[2].Value))
                    {
                        throw new FormatException($"line {number}: second TYPE for {type.Groups[1].Value}");
                    }
                }
                else if (line.StartsWith("# TYPE", StringComparison.Ordinal) || (line.StartsWith("# HELP", StringComparison.Ordinal) && !HelpLine().IsMatch(line)))
                {
                    throw new FormatException($"line {number}: malformed metadata: {line}");
                }
                continue;
            }
            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"line {number}: not a sample: {line}");
            }
            var name = sample.Groups["name"].Value;
            if (FamilyOf(result.Types, name) is null)
            {
                throw new FormatException($"line {number}: sample {name} has no TYPE before it");
            }
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
            {
                if (!labels.TryAdd(label.Groups[1].Value, label.Groups[2].Value))
                {
                    throw new FormatException($"line {number}: label {label.Groups[1].Value} twice");
                }
            }
            result.Samples.Add(new PrometheusSample(name, labels, ParseValue(sample.Groups["value"].Value, number)));
        }
        return result;
    }

    /// <summary>The value of the sample named <paramref name="name"/> whose labels include <paramref name="labels"/>; null when there is none.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        Samples.FirstOrDefault(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))?.Value;

    private static string? FamilyOf(Dictionary<string, string> types, string name)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }
        foreach (var suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(name[..^suffix.Length]))
            {
                return name[..^suffix.Length];
            }
        }
        return null;
    }

    private static double ParseValue(string text, int number) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"line {number}: bad value {text}"),
    };

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
