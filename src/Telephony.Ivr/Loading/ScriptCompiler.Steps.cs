using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr.Loading;

/// <summary>The script's nodes and each kind of step, checked field by field.</summary>
internal sealed partial class ScriptCompiler
{
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

    /// <summary>The menu option that takes every key not listed (so none of them is 'invalid').</summary>
    private const string OtherKeyOption = "other";

    private MenuStep? ReadMenu(YamlMap map, YamlNode value, SourceLocation location)
    {
        map.RejectUnknownKeys(_d, "a 'menu' step", "menu", "options", "timeout", "retries", "invalid-prompt", "timeout-prompt", "on-timeout", "on-invalid");
        var prompts = Prompts(value);
        var options = new Dictionary<char, string>();
        string? otherKey = null;
        var optionsNode = Required(map, "options", "a 'menu' step");
        if (optionsNode is not null && Mapping(optionsNode, "options") is { } optionsMap)
        {
            foreach (var (key, target) in optionsMap.Entries)
            {
                var digit = key.Value;
                if (digit == OtherKeyOption)
                {
                    otherKey = NodeRef(target);
                    continue;
                }
                if (digit is null || digit.Length != 1 || !IsDtmf(digit[0]))
                {
                    _d.Error(key, $"menu option '{digit}' must be one key: 0-9, * or # (quote * and #), or '{OtherKeyOption}' for any other key");
                    continue;
                }
                if (NodeRef(target) is { } t) options[digit[0]] = t;
            }
            if (optionsMap.Entries.Count() == 0) _d.Error(optionsNode, "a menu needs at least one option");
        }
        if (otherKey is not null)
        {
            // Every key has a place, so nothing is ever invalid.
            foreach (var k in new[] { "on-invalid", "invalid-prompt" })
            {
                if (map.KeyNode(k) is { } unused) _d.Error(unused, $"'{k}' has no use in a menu with '{OtherKeyOption}'");
            }
        }
        return new MenuStep(location, prompts, options,
            Duration(map.Get("timeout"), "timeout") ?? TimeSpan.FromSeconds(5),
            Int(map.Get("retries"), "retries", 0, 5) ?? 2,
            OptionalPrompts(map.Get("invalid-prompt")),
            OptionalPrompts(map.Get("timeout-prompt")),
            map.Get("on-timeout") is { } ot ? NodeRef(ot) : null,
            map.Get("on-invalid") is { } oi ? NodeRef(oi) : null,
            otherKey);
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
        map.RejectUnknownKeys(_d, "a 'queue' step", "queue", "prompt", "skills", "language", "priority", "post-call", "callback-after");
        var queue = Name(value, "queue");
        var prompts = OptionalPrompts(map.Get("prompt"));
        var skills = map.Get("skills") is { } s ? Names(s, "skills") : [];
        var language = map.Get("language") is { } l ? LanguageRef(l) : null;
        var priority = Int(map.Get("priority"), "priority", 0, 100);
        var survey = map.Get("post-call") is { } sv ? NodeRef(sv) : null;
        // Seconds of expected wait above which the caller is offered a callback that keeps their place.
        var callbackAfter = Int(map.Get("callback-after"), "callback-after", 0, 3600);
        return queue is null ? null : new QueueStep(location, queue, prompts, skills, language, priority, survey, callbackAfter);
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
}
