using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr.Loading;

/// <summary>
/// Turns the YAML tree into an <see cref="IvrScript"/>, checking every field and reference.
/// It keeps going after an error so an operator sees all problems of a file at once.
/// </summary>
internal sealed partial class ScriptCompiler(Diagnostics diagnostics, string scriptPath, string baseDirectory)
{
    private static readonly string[] TopLevelKeys = ["name", "languages", "prompts", "utc-offset", "limits", "entries", "data", "schedules", "nodes"];
    internal static readonly string[] StepKinds = ["play", "menu", "collect", "lookup", "when", "set", "goto", "queue", "transfer", "info", "survey", "hangup"];

    private readonly Diagnostics _d = diagnostics;
    private readonly List<string> _languages = [];
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CallerList> _callerLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HolidayCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InfoTable> _infoTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Schedule> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _promptProblems = new(StringComparer.Ordinal);
    private readonly HashSet<string> _referencedPrompts = new(StringComparer.Ordinal);
    private string _promptDirectory = "";

    public IvrScript? Compile(YamlNode root)
    {
        if (root is not YamlMappingNode rootMapping)
        {
            _d.Error(root, "the script must be a mapping with 'languages', 'entries' and 'nodes'");
            return null;
        }
        var map = new YamlMap(rootMapping, _d);
        map.RejectUnknownKeys(_d, "the script", TopLevelKeys);

        ReadLanguages(map);
        ReadPromptDirectory(map);
        var utcOffset = ReadUtcOffset(map.Get("utc-offset"));
        var (maxSteps, fallbackQueue) = ReadLimits(map.Get("limits"));
        if (map.Get("data") is { } data) ReadData(data);
        if (map.Get("schedules") is { } schedules) ReadSchedules(schedules);

        var nodes = ReadNodes(map);
        var (entries, defaultEntry) = ReadEntries(map);
        if (nodes.Count > 0) new LoopChecker(_d, nodes).Check();

        if (_d.Count > 0 || defaultEntry is null || _languages.Count == 0) return null;
        return new IvrScript(
            scriptPath, _promptDirectory, _languages, utcOffset, maxSteps, fallbackQueue,
            entries, defaultEntry, nodes, _callerLists, _calendars, _infoTables, _schedules, _referencedPrompts);
    }

    // ---------------------------------------------------------------- top level sections

    private void ReadLanguages(YamlMap map)
    {
        var node = map.Get("languages");
        if (node is null)
        {
            _d.Error(map.Node, "missing 'languages' (e.g. languages: [zh, en]; the first is the default)");
            return;
        }
        foreach (var item in ScalarOrSequence(node, "languages"))
        {
            if (item.Value is { } lang && LanguagePattern().IsMatch(lang))
            {
                if (!_languages.Contains(lang)) _languages.Add(lang);
                else _d.Error(item, $"language '{lang}' is listed twice");
            }
            else
            {
                _d.Error(item, $"'{item.Value}' is not a language code (e.g. zh, en)");
            }
        }
        if (_languages.Count == 0 && _d.Count == 0) _d.Error(node, "'languages' must list at least one language");
    }

    private void ReadPromptDirectory(YamlMap map)
    {
        var node = map.Get("prompts");
        var relative = node is null ? "prompts" : Scalar(node, "prompts");
        if (relative is null) return;
        _promptDirectory = Path.GetFullPath(Path.Combine(baseDirectory, relative));
        if (!Directory.Exists(_promptDirectory))
        {
            _d.Error(node ?? map.Node, $"prompt directory '{_promptDirectory}' does not exist");
        }
    }

    private TimeSpan ReadUtcOffset(YamlNode? node)
    {
        if (node is null) return TimeSpan.Zero;
        var text = Scalar(node, "utc-offset");
        if (text is null) return TimeSpan.Zero;
        var m = UtcOffsetPattern().Match(text);
        if (!m.Success || int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > 14 || int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 59)
        {
            _d.Error(node, $"utc-offset '{text}' must look like +08:00");
            return TimeSpan.Zero;
        }
        var offset = new TimeSpan(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 0);
        return m.Groups[1].Value == "-" ? -offset : offset;
    }

    private (int MaxSteps, string? FallbackQueue) ReadLimits(YamlNode? node)
    {
        const int defaultMaxSteps = 200;
        if (node is null) return (defaultMaxSteps, null);
        if (Mapping(node, "limits") is not { } map) return (defaultMaxSteps, null);
        map.RejectUnknownKeys(_d, "limits", "max-steps", "fallback-queue");
        var max = Int(map.Get("max-steps"), "max-steps", 1, 10_000) ?? defaultMaxSteps;
        var fallback = map.Get("fallback-queue") is { } q ? Name(q, "fallback-queue") : null;
        return (max, fallback);
    }

    private (Dictionary<string, string> Entries, string? Default) ReadEntries(YamlMap map)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = map.Get("entries");
        if (node is null)
        {
            _d.Error(map.Node, "missing 'entries' (dialed number → node, plus 'default')");
            return (entries, null);
        }
        if (Mapping(node, "entries") is not { } entriesMap) return (entries, null);
        string? defaultEntry = null;
        foreach (var (key, value) in entriesMap.Entries)
        {
            var target = NodeRef(value);
            if (key.Value == "default")
            {
                defaultEntry = target;
            }
            else if (key.Value is { } number && DialedNumberPattern().IsMatch(number))
            {
                if (target is not null) entries[number] = target;
            }
            else
            {
                _d.Error(key, $"entry '{key.Value}' must be a dialed number (digits) or 'default'");
            }
        }
        if (!entriesMap.Has("default")) _d.Error(node, "'entries' needs a 'default' node for numbers not listed");
        return (entries, defaultEntry);
    }

    // ---------------------------------------------------------------- data files

    private void ReadData(YamlNode node)
    {
        foreach (var (key, name, entry) in NamedDefinitions(node, "data", "data", " (letters, digits, '-', '_')"))
        {
            entry.RejectUnknownKeys(_d, $"data '{name}'", "type", "file");
            var type = Required(entry, "type", $"data '{name}'") is { } t ? Scalar(t, "type") : null;
            var fileNode = Required(entry, "file", $"data '{name}'");
            var file = fileNode is null ? null : Scalar(fileNode, "file");
            if (type is null || file is null || fileNode is null) continue;
            if (IsNameTaken(name))
            {
                _d.Error(key, $"data name '{name}' is defined twice");
                continue;
            }
            var path = Path.Combine(baseDirectory, file);
            var displayPath = Path.IsPathRooted(file) ? file : Path.Combine(Path.GetDirectoryName(scriptPath) ?? "", file);
            switch (type)
            {
                case "callers":
                    if (ReadDataText(path, fileNode) is { } callers) _callerLists[name] = DataFileParser.ParseCallers(name, callers, displayPath, _d);
                    break;
                case "holidays":
                    if (ReadDataText(path, fileNode) is { } holidays) _calendars[name] = DataFileParser.ParseHolidays(name, holidays, displayPath, _d);
                    break;
                case "info":
                    if (ReadDataText(path, fileNode) is { } info) _infoTables[name] = DataFileParser.ParseInfo(name, info, displayPath, _d, CheckPrompt);
                    break;
                default:
                    _d.Error(entry.Get("type")!, $"unknown data type '{type}' (expected callers, holidays or info)");
                    break;
            }
        }
    }

    /// <summary>
    /// The definitions of a section of named mappings ('data', 'schedules'): each name must be a valid
    /// name and each value a mapping; the others are reported and skipped.
    /// </summary>
    private IEnumerable<(YamlScalarNode Key, string Name, YamlMap Map)> NamedDefinitions(YamlNode node, string section, string what, string nameRule)
    {
        if (Mapping(node, section) is not { } map) yield break;
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value ?? "";
            if (!NamePattern().IsMatch(name))
            {
                _d.Error(key, $"'{name}' is not a valid {what} name{nameRule}");
                continue;
            }
            if (Mapping(value, $"{what} '{name}'") is { } definition) yield return (key, name, definition);
        }
    }

    private bool IsNameTaken(string name) => _callerLists.ContainsKey(name) || _calendars.ContainsKey(name) || _infoTables.ContainsKey(name);

    private string? ReadDataText(string path, YamlNode reference) => IvrScriptLoader.ReadText(path, _d.Location(reference), _d);

    // ---------------------------------------------------------------- schedules

    private void ReadSchedules(YamlNode node)
    {
        foreach (var (key, name, s) in NamedDefinitions(node, "schedules", "schedule", ""))
        {
            s.RejectUnknownKeys(_d, $"schedule '{name}'", "days", "hours", "dates", "except");
            if (!s.Has("days") && !s.Has("hours") && !s.Has("dates"))
            {
                _d.Error(s.Node, $"schedule '{name}' needs at least one of 'days', 'hours' or 'dates'");
            }
            var days = s.Get("days") is { } d ? ScheduleSyntax.ParseDays(ScalarOrSequence(d, "days"), _d) : new HashSet<DayOfWeek>();
            var hours = s.Get("hours") is { } h ? ScheduleSyntax.ParseHours(ScalarOrSequence(h, "hours"), _d) : [];
            var onlyOn = s.Get("dates") is { } dates ? CalendarRef(dates) : null;
            var except = s.Get("except") is { } ex ? CalendarRef(ex) : null;
            _schedules[name] = new Schedule(name, _d.Location(key), days, hours, onlyOn, except);
        }
    }

    private HolidayCalendar? CalendarRef(YamlNode node)
    {
        var name = Scalar(node, "calendar");
        if (name is null) return null;
        if (_calendars.TryGetValue(name, out var calendar)) return calendar;
        _d.Error(node, $"unknown holidays calendar '{name}'{Known(_calendars.Keys, name)}");
        return null;
    }
}
