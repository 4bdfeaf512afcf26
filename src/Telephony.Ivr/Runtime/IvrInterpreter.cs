using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Ivr;

/// <summary>
/// Runs a script over an <see cref="IIvrChannel"/>. Stateless and thread-safe: every run keeps
/// its state in its own session, so one interpreter serves all calls. A run always ends: input
/// steps have bounded retries and timeouts, and every step and retry spends from the script's
/// step budget.
/// </summary>
public sealed partial class IvrInterpreter(ILogger<IvrInterpreter>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Runs the script from the entry node the dialed number selects.</summary>
    public Task<IvrResult> RunAsync(IvrScript script, IIvrChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(channel);
        return RunAsync(script, channel, script.EntryFor(channel.DialedNumber), null, cancellationToken);
    }

    /// <summary>
    /// Runs the post-call survey a queue request named, in the caller's language, once the
    /// agent leg has ended. The score is in <see cref="IvrResult.SurveyScore"/> and recorded on the channel.
    /// </summary>
    public Task<IvrResult> RunSurveyAsync(IvrScript script, IIvrChannel channel, IvrQueueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(request);
        if (request.SurveyNode is null) throw new ArgumentException("the queue request names no survey", nameof(request));
        return RunAsync(script, channel, request.SurveyNode, request.Language, cancellationToken);
    }

    /// <summary>Runs the script from <paramref name="startNode"/>, optionally in a given language.</summary>
    public async Task<IvrResult> RunAsync(IvrScript script, IIvrChannel channel, string startNode, string? language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(channel);
        if (!script.Nodes.ContainsKey(startNode)) throw new ArgumentException($"the script has no node '{startNode}'", nameof(startNode));

        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["CallId"] = channel.CallId });
        var session = new IvrSession(script, channel, language ?? script.DefaultLanguage, cancellationToken);
        IvrResult result;
        try
        {
            result = await RunNodesAsync(session, startNode).ConfigureAwait(false);
        }
        catch (IvrCallerHangupException)
        {
            result = session.HungUp();
        }
        catch (StepBudgetExhaustedException)
        {
            LogBudgetExhausted(script.MaxSteps, startNode);
            result = await BudgetExhaustedAsync(session).ConfigureAwait(false);
        }
        LogFinished(result.Outcome, result.PathText);
        return result;
    }

    private static async Task<IvrResult> RunNodesAsync(IvrSession s, string startNode)
    {
        var node = s.Script.Nodes[startNode];
        var index = 0;
        s.Mark(IvrPathKind.Node, node.Name);
        while (true)
        {
            s.Spend();
            if (index >= node.Steps.Count) return await HangupAsync(s, PromptList.None, $"end of node '{node.Name}'").ConfigureAwait(false);
            var flow = await ExecuteAsync(s, node.Steps[index]).ConfigureAwait(false);
            if (flow.Done is { } done) return done;
            if (s.Gone) return s.HungUp();
            if (flow.Goto is { } target)
            {
                node = s.Script.Nodes[target];
                index = 0;
                s.Mark(IvrPathKind.Node, node.Name);
            }
            else
            {
                index++;
            }
        }
    }

    private static async ValueTask<Flow> ExecuteAsync(IvrSession s, IvrStep step)
    {
        switch (step)
        {
            case PlayStep play:
                // A key already pressed means the caller knows what they want: skip skippable prompts.
                if (!(play.BargeIn && s.TypeAhead is not null))
                {
                    var key = await s.PlayAsync(play.Prompts, play.BargeIn).ConfigureAwait(false);
                    if (key is not null) s.TypeAhead = key;
                }
                return Flow.Next;
            case MenuStep menu:
                return await MenuAsync(s, menu).ConfigureAwait(false);
            case CollectStep collect:
                return await CollectAsync(s, collect).ConfigureAwait(false);
            case LookupStep lookup:
                var hit = s.Script.CallerLists[lookup.List].Contains(s.Channel.CallerNumber);
                s.Mark(IvrPathKind.Condition, $"{lookup.List}:{(hit ? "hit" : "miss")}");
                return hit ? Flow.To(lookup.Then) : Flow.ToOrNext(lookup.Else);
            case WhenStep whenStep:
                var local = s.Script.LocalTime(s.Channel.Time.GetUtcNow());
                var matches = s.Script.Schedules[whenStep.Schedule].Matches(local);
                s.Mark(IvrPathKind.Condition, $"{whenStep.Schedule}:{(matches ? "yes" : "no")}");
                return matches ? Flow.To(whenStep.Then) : Flow.ToOrNext(whenStep.Else);
            case SetStep set:
                if (set.Language is { } language) s.Language = language;
                foreach (var skill in set.Skills) s.AddSkill(skill);
                if (set.Priority is { } priority) s.Priority = priority;
                return Flow.Next;
            case GotoStep go:
                return Flow.To(go.Target);
            case QueueStep queue:
                return Flow.Finish(await QueueAsync(s, queue).ConfigureAwait(false));
            case TransferStep transfer:
                await s.PlayAsync(transfer.Prompts, bargeIn: false).ConfigureAwait(false);
                if (s.Gone) return Flow.Finish(s.HungUp());
                if (!await s.Channel.TransferAsync(transfer.Number, s.Cancellation).ConfigureAwait(false))
                {
                    s.Mark(IvrPathKind.Condition, $"transfer:{transfer.Number}:failed");
                    return Flow.ToOrNext(transfer.OnFail);
                }
                s.Mark(IvrPathKind.End, "transfer:" + transfer.Number);
                return Flow.Finish(s.Result(IvrOutcome.Transferred, transferNumber: transfer.Number));
            case InfoStep info:
                return await InfoAsync(s, info).ConfigureAwait(false);
            case SurveyStep survey:
                await SurveyAsync(s, survey).ConfigureAwait(false);
                return Flow.Next;
            case HangupStep hangup:
                return Flow.Finish(await HangupAsync(s, hangup.Prompts, "hangup step").ConfigureAwait(false));
            default:
                throw new InvalidOperationException($"unsupported step {step.Kind}");
        }
    }

    private static async ValueTask<Flow> MenuAsync(IvrSession s, MenuStep menu)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0) s.Spend();
            var last = attempt >= menu.Retries;
            var key = await s.FirstKeyAsync(menu.Prompts, menu.Timeout).ConfigureAwait(false);
            if (s.Gone) return Flow.Finish(s.HungUp());
            if (key is null)
            {
                s.Mark(IvrPathKind.Timeout, "");
                if (last) return Flow.ToOrNext(menu.OnTimeout);
                s.TypeAhead = await s.PlayAsync(menu.TimeoutPrompts, bargeIn: true).ConfigureAwait(false);
                continue;
            }
            s.Mark(IvrPathKind.Digits, key.Value.ToString());
            if (menu.Options.TryGetValue(key.Value, out var target)) return Flow.To(target);
            if (menu.OnOtherKey is { } other) return Flow.To(other);
            s.Mark(IvrPathKind.Invalid, key.Value.ToString());
            await s.PlayAsync(menu.InvalidPrompts, bargeIn: false).ConfigureAwait(false);
            if (s.Gone) return Flow.Finish(s.HungUp());
            if (last) return Flow.ToOrNext(menu.OnInvalid);
        }
    }

    private static ValueTask<Flow> CollectAsync(IvrSession s, CollectStep collect) =>
        ReadUntilAcceptedAsync(s, collect.Prompts, collect.MaxDigits, collect.Terminator, collect.Timeout, collect.InvalidPrompts, collect.Retries, collect.OnFail, digits =>
        {
            if (digits.Length < collect.MinDigits || !digits.All(char.IsAsciiDigit)) return ValueTask.FromResult(false);
            s.Variables[collect.Into] = digits;
            s.Channel.Record(new IvrDigitsRecord(s.Now, collect.Into, digits));
            return ValueTask.FromResult(true);
        });

    private static async ValueTask<Flow> InfoAsync(IvrSession s, InfoStep info)
    {
        var table = s.Script.InfoTables[info.Table];
        if (info.Entry is { } entry && table.TryGet(entry, out var fixedPrompts))
        {
            s.Mark(IvrPathKind.Condition, $"{info.Table}:{entry}");
            s.TypeAhead = await s.PlayAsync(fixedPrompts, bargeIn: true).ConfigureAwait(false);
            return Flow.Next;
        }
        return await ReadUntilAcceptedAsync(s, info.Prompts, table.MaxDigitKeyLength, info.Terminator, info.Timeout, info.NotFoundPrompts, info.Retries, info.OnFail, async key =>
        {
            if (!key.All(char.IsAsciiDigit) || !table.TryGet(key, out var prompts)) return false;
            s.Mark(IvrPathKind.Condition, $"{info.Table}:{key}");
            s.TypeAhead = await s.PlayAsync(prompts, bargeIn: true).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The retry loop 'collect' and 'info' share: read digits; a timeout or an entry <paramref name="accept"/>
    /// refuses plays the invalid prompts and tries again, until the retries run out.
    /// </summary>
    private static async ValueTask<Flow> ReadUntilAcceptedAsync(IvrSession s, PromptList prompts, int maxDigits, char? terminator, TimeSpan timeout,
        PromptList invalidPrompts, int retries, string? onFail, Func<string, ValueTask<bool>> accept)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0) s.Spend();
            var digits = await s.ReadDigitsAsync(prompts, maxDigits, terminator, timeout).ConfigureAwait(false);
            if (s.Gone) return Flow.Finish(s.HungUp());
            if (digits is null)
            {
                s.Mark(IvrPathKind.Timeout, "");
            }
            else
            {
                s.Mark(IvrPathKind.Digits, digits);
                if (await accept(digits).ConfigureAwait(false)) return Flow.Next;
                s.Mark(IvrPathKind.Invalid, digits);
            }
            await s.PlayAsync(invalidPrompts, bargeIn: false).ConfigureAwait(false);
            if (s.Gone) return Flow.Finish(s.HungUp());
            if (attempt >= retries) return Flow.ToOrNext(onFail);
        }
    }

    private static async ValueTask SurveyAsync(IvrSession s, SurveyStep survey)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0) s.Spend();
            var key = await s.FirstKeyAsync(survey.Prompts, survey.Timeout).ConfigureAwait(false);
            if (s.Gone) return;
            if (key is { } k && char.IsAsciiDigit(k) && k - '0' >= survey.Min && k - '0' <= survey.Max)
            {
                var score = k - '0';
                s.Mark(IvrPathKind.Digits, k.ToString());
                s.SurveyScore = score;
                s.Channel.Record(new IvrSurveyRecord(s.Now, survey.Name, score));
                await s.PlayAsync(survey.ThanksPrompts, bargeIn: false).ConfigureAwait(false);
                return;
            }
            s.Mark(key is null ? IvrPathKind.Timeout : IvrPathKind.Invalid, key?.ToString() ?? "");
            if (attempt >= survey.Retries)
            {
                s.Channel.Record(new IvrSurveyRecord(s.Now, survey.Name, null));
                return;
            }
            await s.PlayAsync(survey.InvalidPrompts, bargeIn: false).ConfigureAwait(false);
            if (s.Gone) return;
        }
    }

    private static async ValueTask<IvrResult> QueueAsync(IvrSession s, QueueStep queue)
    {
        await s.PlayAsync(queue.Prompts, bargeIn: false).ConfigureAwait(false);
        if (s.Gone) return s.HungUp();
        if (queue.Language is { } language) s.Language = language;
        foreach (var skill in queue.Skills) s.AddSkill(skill);
        if (queue.Priority is { } priority) s.Priority = priority;
        s.Mark(IvrPathKind.End, "queue:" + queue.Queue);
        return s.QueueResult(queue.Queue, queue.Survey, reason: null, queue.CallbackAfterSeconds);
    }

    private static async ValueTask<IvrResult> HangupAsync(IvrSession s, PromptList goodbye, string reason)
    {
        await s.PlayAsync(goodbye, bargeIn: false).ConfigureAwait(false);
        if (s.Gone) return s.HungUp();
        await s.Channel.HangupAsync(s.Cancellation).ConfigureAwait(false);
        s.Mark(IvrPathKind.End, "hangup");
        return s.Result(IvrOutcome.HungUp, reason: reason);
    }

    private static async Task<IvrResult> BudgetExhaustedAsync(IvrSession s)
    {
        const string reason = "step budget exhausted";
        try
        {
            if (s.Script.FallbackQueue is { } queue)
            {
                s.Mark(IvrPathKind.End, "queue:" + queue);
                return s.QueueResult(queue, survey: null, reason);
            }
            await s.Channel.HangupAsync(s.Cancellation).ConfigureAwait(false);
            s.Mark(IvrPathKind.End, "hangup");
            return s.Result(IvrOutcome.HungUp, reason: reason);
        }
        catch (IvrCallerHangupException)
        {
            return s.Result(IvrOutcome.CallerHungUp, reason: "caller hung up");
        }
    }

    /// <summary>What to do after a step: next step, another node, or stop with a result.</summary>
    private readonly record struct Flow(string? Goto, IvrResult? Done)
    {
        public static Flow Next => default;
        public static Flow To(string node) => new(node, null);
        public static Flow ToOrNext(string? node) => new(node, null);
        public static Flow Finish(IvrResult result) => new(null, result);
    }
}

internal sealed class StepBudgetExhaustedException : Exception
{
    public StepBudgetExhaustedException() : base("IVR step budget exhausted") { }

    public StepBudgetExhaustedException(string message) : base(message) { }

    public StepBudgetExhaustedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The state of one run: language, skills, priority, variables, pending key and path.</summary>
internal sealed class IvrSession(IvrScript script, IIvrChannel channel, string language, CancellationToken cancellation)
{
    private readonly List<IvrPathEntry> _path = [];
    private readonly List<string> _skills = [];
    private int _steps;

    public IvrScript Script { get; } = script;
    public IIvrChannel Channel { get; } = channel;
    public CancellationToken Cancellation { get; } = cancellation;
    public string Language { get; set; } = language;
    public int Priority { get; set; }
    public int? SurveyScore { get; set; }
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>A key pressed during a barge-in prompt, waiting for the next input step.</summary>
    public char? TypeAhead { get; set; }

    public DateTimeOffset Now => Channel.Time.GetUtcNow();

    public void Spend()
    {
        if (++_steps > Script.MaxSteps) throw new StepBudgetExhaustedException();
    }

    public void AddSkill(string skill)
    {
        if (!_skills.Contains(skill)) _skills.Add(skill);
    }

    public void Mark(IvrPathKind kind, string value) => _path.Add(new IvrPathEntry(Now, kind, value));

    /// <summary>The caller has hung up (a channel that says so instead of throwing): the run ends, nothing more is done.</summary>
    public bool Gone => Channel.CallerGone;

    /// <summary>The result of a run the caller ended.</summary>
    public IvrResult HungUp()
    {
        Mark(IvrPathKind.End, "caller-hangup");
        return Result(IvrOutcome.CallerHungUp, reason: "caller hung up");
    }

    // Not async: the channel's task is the caller's. A hang-up surfaces as an exception rethrown once per async frame
    // it crosses, and hang-ups during prompts are how most IVR calls end (issue 10's profile).
    public ValueTask<char?> PlayAsync(PromptList prompts, bool bargeIn)
    {
        if (prompts.IsEmpty) return ValueTask.FromResult<char?>(null);
        var resolved = prompts.Names.Select(n => new IvrPrompt(n, Language, Script.PromptPath(Language, n))).ToList();
        return Channel.PlayAsync(resolved, bargeIn, Cancellation);
    }

    /// <summary>The first key of an input step: type-ahead, else pressed during the prompt, else within the timeout.</summary>
    public async ValueTask<char?> FirstKeyAsync(PromptList prompts, TimeSpan timeout)
    {
        if (TypeAhead is { } pending)
        {
            TypeAhead = null;
            return pending;
        }
        var key = await PlayAsync(prompts, bargeIn: true).ConfigureAwait(false);
        return key ?? (Gone ? null : await Channel.ReadDigitAsync(timeout, Cancellation).ConfigureAwait(false));
    }

    /// <summary>Reads up to <paramref name="max"/> keys, stopping at the terminator or an inter-digit timeout. Null when nothing came.</summary>
    public async ValueTask<string?> ReadDigitsAsync(PromptList prompts, int max, char? terminator, TimeSpan timeout)
    {
        var key = await FirstKeyAsync(prompts, timeout).ConfigureAwait(false);
        if (key is null) return null;
        var digits = new System.Text.StringBuilder();
        while (key is { } k && k != terminator)
        {
            digits.Append(k);
            if (digits.Length >= max) break;
            key = await Channel.ReadDigitAsync(timeout, Cancellation).ConfigureAwait(false);
        }
        return digits.ToString();
    }

    public IvrResult Result(IvrOutcome outcome, string? transferNumber = null, string? reason = null, IvrQueueRequest? queue = null) =>
        new(outcome, queue, transferNumber, reason, _path.ToList(), new Dictionary<string, string>(Variables), SurveyScore, _steps);

    public IvrResult QueueResult(string queue, string? survey, string? reason, int? callbackAfterSeconds = null)
    {
        var request = new IvrQueueRequest(queue, _skills.ToList(), Language, Priority, survey, _path.ToList(), new Dictionary<string, string>(Variables), callbackAfterSeconds);
        return Result(IvrOutcome.Queued, reason: reason, queue: request);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"session {Channel.CallId} steps {_steps}");
}
