using System.Globalization;
using System.Text.RegularExpressions;
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
        if (Mapping(node, "data") is not { } map) return;
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value ?? "";
            if (!NamePattern().IsMatch(name))
            {
                _d.Error(key, $"'{name}' is not a valid data name (letters, digits, '-', '_')");
                continue;
            }
            if (Mapping(value, $"data '{name}'") is not { } entry) continue;
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

    private bool IsNameTaken(string name) => _callerLists.ContainsKey(name) || _calendars.ContainsKey(name) || _infoTables.ContainsKey(name);

    private string? ReadDataText(string path, YamlNode reference) => IvrScriptLoader.ReadText(path, _d.Location(reference), _d);

    // ---------------------------------------------------------------- schedules

    private void ReadSchedules(YamlNode node)
    {
        if (Mapping(node, "schedules") is not { } map) return;
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value ?? "";
            if (!NamePattern().IsMatch(name))
            {
                _d.Error(key, $"'{name}' is not a valid schedule name");
                continue;
            }
            if (Mapping(value, $"schedule '{name}'") is not { } s) continue;
            s.RejectUnknownKeys(_d, $"schedule '{name}'", "days", "hours", "dates", "except");
            if (!s.Has("days") && !s.Has("hours") && !s.Has("dates"))
            {
                _d.Error(value, $"schedule '{name}' needs at least one of 'days', 'hours' or 'dates'");
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

    // ---------------------------------------------------------------- nodes and steps

    private Dictionary<string, IvrNode> ReadNodes(YamlMap map)
    {
        var nodes = new Dictionary<string, IvrNode>(StringComparer.Ordinal);
        var node = map.Get("nodes");
        if (node is null)
        {
            _d.Error(map.Node, "missing 'nodes'");
            return nodes;
        }
        if (Mapping(node, "nodes") is not { } nodesMap) return nodes;
        // Names first, so a menu may point at a node defined further down.
        foreach (var (key, _) in nodesMap.Entries)
        {
            if (key.Value is { } name && NamePattern().IsMatch(name)) _nodeNames.Add(name);
            else _d.Error(key, $"'{key.Value}' is not a valid node name (letters, digits, '-', '_')");
        }
        foreach (var (key, value) in nodesMap.Entries)
        {
            if (key.Value is not { } name || !_nodeNames.Contains(name)) continue;
            if (value is not YamlSequenceNode sequence || sequence.Children.Count == 0)
            {
                _d.Error(value, $"node '{name}' must be a non-empty list of steps");
                continue;
            }
            var steps = new List<IvrStep>();
            foreach (var stepNode in sequence.Children)
            {
                if (ReadStep(stepNode, name) is { } step) steps.Add(step);
            }
            nodes[name] = new IvrNode(name, _d.Location(key), steps);
        }
        // A queue's survey must name a node that really runs a survey.
        foreach (var n in nodes.Values)
        {
            foreach (var q in n.Steps.OfType<QueueStep>())
            {
                if (q.Survey is { } s && nodes.TryGetValue(s, out var surveyNode) && !surveyNode.Steps.OfType<SurveyStep>().Any())
                {
                    _d.Error(q.Location, $"survey node '{s}' has no 'survey' step");
                }
            }
        }
        return nodes;
    }

    private IvrStep? ReadStep(YamlNode node, string nodeName)
    {
        if (node is not YamlMappingNode mapping)
        {
            _d.Error(node, $"a step must be a mapping such as 'play: greeting' (in node '{nodeName}')");
            return null;
        }
        var map = new YamlMap(mapping, _d);
        var kinds = StepKinds.Where(map.Has).ToList();
        if (kinds.Count == 0)
        {
            var first = map.Entries.Select(e => e.Key).FirstOrDefault();
            _d.Error((YamlNode?)first ?? mapping, $"unknown step type '{first?.Value}' (expected one of: {string.Join(", ", StepKinds)})");
            return null;
        }
        if (kinds.Count > 1)
        {
            _d.Error(map.KeyNode(kinds[1])!, $"a step has one type; this one has both '{kinds[0]}' and '{kinds[1]}'");
            return null;
        }
        var kind = kinds[0];
        var value = map.Get(kind)!;
        var location = _d.Location(mapping);
        var before = _d.Count;
        IvrStep? step = kind switch
        {
            "play" => ReadPlay(map, value, location),
            "menu" => ReadMenu(map, value, location),
            "collect" => ReadCollect(map, value, location),
            "lookup" => ReadLookup(map, value, location),
            "when" => ReadWhen(map, value, location),
            "set" => ReadSet(map, value, location),
            "goto" => Only(map, "goto") && NodeRef(value) is { } target ? new GotoStep(location, target) : null,
            "queue" => ReadQueue(map, value, location),
            "transfer" => ReadTransfer(map, value, location),
            "info" => ReadInfo(map, value, location),
            "survey" => ReadSurvey(map, value, location),
            "hangup" => ReadHangup(map, value, location),
            _ => null,
        };
        return _d.Count == before ? step : null;
    }

    private bool Only(YamlMap map, string kind)
    {
        map.RejectUnknownKeys(_d, $"a '{kind}' step", kind);
        return true;
    }

    private PlayStep ReadPlay(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'play' step", "play", "barge-in");
        var bargeIn = Bool(map.Get("barge-in"), "barge-in") ?? true;
        return new PlayStep(location, Prompts(value), bargeIn);
    }

    private MenuStep? ReadMenu(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'menu' step", "menu", "options", "timeout", "retries", "invalid-prompt", "timeout-prompt", "on-timeout", "on-invalid");
        var prompts = Prompts(value);
        var options = new Dictionary<char, string>();
        var optionsNode = Required(map, "options", "a 'menu' step");
        if (optionsNode is not null && Mapping(optionsNode, "options") is { } optionsMap)
        {
            foreach (var (key, target) in optionsMap.Entries)
            {
                var digit = key.Value;
                if (digit is null || digit.Length != 1 || !IsDtmf(digit[0]))
                {
                    _d.Error(key, $"menu option '{digit}' must be one key: 0-9, * or # (quote * and #)");
                    continue;
                }
                if (NodeRef(target) is { } t) options[digit[0]] = t;
            }
            if (optionsMap.Entries.Count() == 0) _d.Error(optionsNode, "a menu needs at least one option");
        }
        return new MenuStep(location, prompts, options,
            Duration(map.Get("timeout"), "timeout") ?? TimeSpan.FromSeconds(5),
            Int(map.Get("retries"), "retries", 0, 5) ?? 2,
            OptionalPrompts(map.Get("invalid-prompt")),
            OptionalPrompts(map.Get("timeout-prompt")),
            map.Get("on-timeout") is { } ot ? NodeRef(ot) : null,
            map.Get("on-invalid") is { } oi ? NodeRef(oi) : null);
    }

    private CollectStep? ReadCollect(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'collect' step", "collect", "into", "min", "max", "terminator", "timeout", "retries", "invalid-prompt", "on-fail");
        var prompts = Prompts(value);
        var into = Required(map, "into", "a 'collect' step") is { } i ? Name(i, "into") : null;
        var min = Int(map.Get("min"), "min", 1, 32) ?? 1;
        var max = Int(map.Get("max"), "max", 1, 32) ?? 32;
        if (min > max) _d.Error(map.Get("max") ?? map.Node, $"max ({max}) is below min ({min})");
        return into is null ? null : new CollectStep(location, prompts, into, min, max,
            Terminator(map.Get("terminator")),
            Duration(map.Get("timeout"), "timeout") ?? TimeSpan.FromSeconds(5),
            Int(map.Get("retries"), "retries", 0, 5) ?? 2,
            OptionalPrompts(map.Get("invalid-prompt")),
            map.Get("on-fail") is { } f ? NodeRef(f) : null);
    }

    private LookupStep? ReadLookup(YamlMap map, YamlNode value, SourceLocation location) =>
        ReadBranch(map, value, "lookup", _callerLists, "caller list") is ({ } list, { } then, var otherwise)
            ? new LookupStep(location, list, then, otherwise)
            : null;

    private WhenStep? ReadWhen(YamlMap map, YamlNode value, SourceLocation location) =>
        ReadBranch(map, value, "when", _schedules, "schedule") is ({ } schedule, { } then, var otherwise)
            ? new WhenStep(location, schedule, then, otherwise)
            : null;

    /// <summary>The shape 'lookup' and 'when' share: a name that must be defined, a 'then' node and an optional 'else' node.</summary>
    private (string? Name, string? Then, string? Else) ReadBranch<T>(YamlMap map, YamlNode value, string kind, Dictionary<string, T> defined, string what)
    {
        map.RejectUnknownKeys(_d, $"a '{kind}' step", kind, "then", "else");
        var name = Scalar(value, kind);
        if (name is not null && !defined.ContainsKey(name))
        {
            _d.Error(value, $"unknown {what} '{name}'{Known(defined.Keys, name)}");
        }
        var then = Required(map, "then", $"a '{kind}' step") is { } t ? NodeRef(t) : null;
        var otherwise = map.Get("else") is { } e ? NodeRef(e) : null;
        return (name, then, otherwise);
    }

    private SetStep? ReadSet(YamlMap map, YamlNode value, SourceLocation location)
    {
        Only(map, "set");
        if (Mapping(value, "set") is not { } set) return null;
        set.RejectUnknownKeys(_d, "a 'set' step", "language", "skills", "priority");
        if (!set.Entries.Any()) _d.Error(value, "'set' needs language, skills or priority");
        var language = set.Get("language") is { } l ? LanguageRef(l) : null;
        var skills = set.Get("skills") is { } s ? Names(s, "skills") : [];
        var priority = Int(set.Get("priority"), "priority", 0, 100);
        return new SetStep(location, language, skills, priority);
    }

    private QueueStep? ReadQueue(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'queue' step", "queue", "prompt", "skills", "language", "priority", "post-call");
        var queue = Name(value, "queue");
        var prompts = OptionalPrompts(map.Get("prompt"));
        var skills = map.Get("skills") is { } s ? Names(s, "skills") : [];
        var language = map.Get("language") is { } l ? LanguageRef(l) : null;
        var priority = Int(map.Get("priority"), "priority", 0, 100);
        var survey = map.Get("post-call") is { } sv ? NodeRef(sv) : null;
        return queue is null ? null : new QueueStep(location, queue, prompts, skills, language, priority, survey);
    }

    private TransferStep? ReadTransfer(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'transfer' step", "transfer", "prompt", "on-fail");
        var number = Scalar(value, "transfer");
        if (number is not null && !TransferNumberPattern().IsMatch(number))
        {
            _d.Error(value, $"transfer number '{number}' must be 3-20 digits, optionally starting with +");
            return null;
        }
        var onFail = map.Get("on-fail") is { } f ? NodeRef(f) : null;
        return number is null ? null : new TransferStep(location, number, OptionalPrompts(map.Get("prompt")), onFail);
    }

    private InfoStep? ReadInfo(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "an 'info' step", "info", "entry", "prompt", "terminator", "timeout", "retries", "not-found-prompt", "on-fail");
        var tableName = Scalar(value, "info");
        if (tableName is null) return null;
        if (!_infoTables.TryGetValue(tableName, out var table))
        {
            _d.Error(value, $"unknown info table '{tableName}'{Known(_infoTables.Keys, tableName)}");
            return null;
        }
        string? entry = null;
        if (map.Get("entry") is { } entryNode)
        {
            entry = Scalar(entryNode, "entry");
            if (entry is not null && !table.TryGet(entry, out _))
            {
                _d.Error(entryNode, $"info table '{tableName}' has no entry '{entry}'");
            }
            foreach (var k in new[] { "prompt", "terminator", "timeout", "retries", "not-found-prompt", "on-fail" })
            {
                if (map.KeyNode(k) is { } extra) _d.Error(extra, $"'{k}' has no use with a fixed 'entry'");
            }
        }
        else
        {
            if (table.MaxDigitKeyLength == 0) _d.Error(value, $"info table '{tableName}' has no digit keys a caller could enter; give 'entry'");
            if (!map.Has("prompt")) _d.Error(map.Node, "an 'info' step without 'entry' needs a 'prompt' asking for the key");
        }
        return new InfoStep(location, tableName, entry,
            OptionalPrompts(map.Get("prompt")),
            Terminator(map.Get("terminator")),
            Duration(map.Get("timeout"), "timeout") ?? TimeSpan.FromSeconds(5),
            Int(map.Get("retries"), "retries", 0, 5) ?? 2,
            OptionalPrompts(map.Get("not-found-prompt")),
            map.Get("on-fail") is { } f ? NodeRef(f) : null);
    }

    private SurveyStep? ReadSurvey(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'survey' step", "survey", "name", "min", "max", "timeout", "retries", "invalid-prompt", "thanks");
        var prompts = Prompts(value);
        var name = map.Get("name") is { } n ? Name(n, "name") : "satisfaction";
        var min = Int(map.Get("min"), "min", 0, 9) ?? 1;
        var max = Int(map.Get("max"), "max", 0, 9) ?? 5;
        if (min > max) _d.Error(map.Get("max") ?? map.Node, $"max ({max}) is below min ({min})");
        return name is null ? null : new SurveyStep(location, name, prompts, min, max,
            Duration(map.Get("timeout"), "timeout") ?? TimeSpan.FromSeconds(8),
            Int(map.Get("retries"), "retries", 0, 5) ?? 1,
            OptionalPrompts(map.Get("invalid-prompt")),
            OptionalPrompts(map.Get("thanks")));
    }

    private HangupStep ReadHangup(YamlMap map, YamlNode value, SourceLocation location)
    {
        Only(map, "hangup");
        return new HangupStep(location, OptionalPrompts(value));
    }

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

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^([+-])(\d{2}):(\d{2})$")]
    private static partial Regex UtcOffsetPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*$")]
    internal static partial Regex NamePattern();

    [GeneratedRegex(@"^[0-9]{1,20}$")]
    private static partial Regex DialedNumberPattern();

    [GeneratedRegex(@"^\+?[0-9]{3,20}$")]
    private static partial Regex TransferNumberPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")]
    private static partial Regex PromptNamePattern();

    [GeneratedRegex(@"^([0-9]+)(ms|s)$")]
    private static partial Regex DurationPattern();
}
