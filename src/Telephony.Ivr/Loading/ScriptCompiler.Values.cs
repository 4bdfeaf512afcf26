using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr.Loading;

/// <summary>References to names defined elsewhere in the script, prompts, and typed scalars; each reports its own error.</summary>
internal sealed partial class ScriptCompiler
{
    // ---------------------------------------------------------------- references

    private string? NodeRef(YamlNode node)
    {
        var name = Scalar(node, "node name");
        if (name is null) return null;
        if (_nodeNames.Contains(name)) return name;
        _d.Error(node, $"unknown node '{name}'{Known(_nodeNames, name)}");
        return null;
    }

    private string? LanguageRef(YamlNode node)
    {
        var language = Scalar(node, "language");
        if (language is null) return null;
        if (_languages.Contains(language)) return language;
        _d.Error(node, $"language '{language}' is not one of the script's languages ({string.Join(", ", _languages)})");
        return null;
    }

    private PromptList OptionalPrompts(YamlNode? node) =>
        node is null || node is YamlScalarNode { Value: null or "" } ? PromptList.None : Prompts(node);

    private PromptList Prompts(YamlNode node)
    {
        var names = new List<string>();
        var items = ScalarOrSequence(node, "prompt");
        foreach (var item in items)
        {
            if (item.Value is not { Length: > 0 } name)
            {
                _d.Error(item, "empty prompt name");
                continue;
            }
            if (CheckPrompt(name, _d.Location(item))) names.Add(name);
        }
        if (items.Count == 0) _d.Error(node, "expected a prompt name or a list of prompt names");
        return new PromptList(names);
    }

    /// <summary>A prompt must exist, as 8 kHz mono 16-bit PCM, in every language of the script.</summary>
    private bool CheckPrompt(string name, SourceLocation location)
    {
        if (!PromptNamePattern().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            _d.Error(location, $"'{name}' is not a valid prompt name (letters, digits, '-', '_', '/')");
            return false;
        }
        if (_promptDirectory.Length == 0) return false;
        var ok = true;
        foreach (var language in _languages)
        {
            var path = Path.Combine(_promptDirectory, language, name + ".wav");
            if (!_promptProblems.TryGetValue(path, out var problem))
            {
                problem = PromptProblem(path);
                _promptProblems[path] = problem;
            }
            if (problem is not null)
            {
                _d.Error(location, $"prompt '{name}' ({language}): {problem}");
                ok = false;
            }
        }
        if (ok) _referencedPrompts.Add(name);
        return ok;
    }

    private static string? PromptProblem(string path)
    {
        if (!File.Exists(path)) return $"unknown prompt file, {path} does not exist";
        var info = WavInfo.TryRead(path, out var problem);
        if (info is null) return $"{path}: {problem}";
        return info.Value.IsTelephonyPcm ? null : $"{path} is {info.Value}; prompts must be PCM 8000 Hz mono 16-bit";
    }

    // ---------------------------------------------------------------- scalars

    private YamlNode? Required(YamlMap map, string key, string context)
    {
        var node = map.Get(key);
        if (node is null) _d.Error(map.Node, $"missing '{key}' in {context}");
        return node;
    }

    private YamlMap? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode m) return new YamlMap(m, _d);
        _d.Error(node, $"'{what}' must be a mapping (key: value lines)");
        return null;
    }

    private string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value }) return value;
        _d.Error(node, node is YamlScalarNode ? $"'{what}' is empty" : $"'{what}' must be a single value");
        return null;
    }

    private List<YamlScalarNode> ScalarOrSequence(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return [scalar];
            case YamlSequenceNode sequence:
                var list = new List<YamlScalarNode>();
                foreach (var child in sequence.Children)
                {
                    if (child is YamlScalarNode s) list.Add(s);
                    else _d.Error(child, $"'{what}' items must be single values");
                }
                return list;
            default:
                _d.Error(node, $"'{what}' must be a value or a list of values");
                return [];
        }
    }

    private string? Name(YamlNode node, string what)
    {
        var value = Scalar(node, what);
        if (value is null) return null;
        if (NamePattern().IsMatch(value)) return value;
        _d.Error(node, $"{what} '{value}' must be a name (letters, digits, '-', '_')");
        return null;
    }

    private List<string> Names(YamlNode node, string what) =>
        ScalarOrSequence(node, what).Select(s => Name(s, what)).OfType<string>().ToList();

    private int? Int(YamlNode? node, string what, int min, int max)
    {
        if (node is null) return null;
        var text = Scalar(node, what);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        _d.Error(node, $"'{what}' must be a whole number from {min} to {max}, not '{text}'");
        return null;
    }

    private bool? Bool(YamlNode? node, string what)
    {
        if (node is null) return null;
        switch (Scalar(node, what))
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            case null: return null;
            case var other:
                _d.Error(node, $"'{what}' must be true or false, not '{other}'");
                return null;
        }
    }

    private TimeSpan? Duration(YamlNode? node, string what)
    {
        if (node is null) return null;
        var text = Scalar(node, what);
        if (text is null) return null;
        var m = DurationPattern().Match(text);
        if (m.Success && long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var n))
        {
            var d = m.Groups[2].Value == "ms" ? TimeSpan.FromMilliseconds(n) : TimeSpan.FromSeconds(n);
            if (d >= TimeSpan.FromMilliseconds(100) && d <= TimeSpan.FromSeconds(60)) return d;
        }
        _d.Error(node, $"'{what}' must be a duration from 100ms to 60s such as 5s or 1500ms, not '{text}'");
        return null;
    }

    private char? Terminator(YamlNode? node)
    {
        if (node is null) return null;
        if (node is YamlScalarNode { Value: "#" or "*" } s) return s.Value![0];
        _d.Error(node, "'terminator' must be \"#\" or \"*\" (quoted: a bare # starts a YAML comment)");
        return null;
    }

    internal static bool IsDtmf(char c) => char.IsAsciiDigit(c) || c is '*' or '#';

    /// <summary>Helps with a typo: the closest defined name, or the short list of names.</summary>
    private static string Known(IEnumerable<string> names, string given)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0) return " (none defined)";
        var closest = list.MinBy(n => EditDistance(n, given))!;
        if (EditDistance(closest, given) <= Math.Max(1, given.Length / 4)) return $" (did you mean '{closest}'?)";
        return list.Count <= 8 ? $" (defined: {string.Join(", ", list)})" : $" ({list.Count} defined, none close to it)";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")] private static partial Regex LanguagePattern();
    [GeneratedRegex(@"^([+-])(\d{2}):(\d{2})$")] private static partial Regex UtcOffsetPattern();
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*$")] internal static partial Regex NamePattern();
    [GeneratedRegex(@"^[0-9]{1,20}$")] private static partial Regex DialedNumberPattern();
    [GeneratedRegex(@"^\+?[0-9]{3,20}$")] private static partial Regex TransferNumberPattern();
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")] private static partial Regex PromptNamePattern();
    [GeneratedRegex(@"^([0-9]+)(ms|s)$")] private static partial Regex DurationPattern();
}
