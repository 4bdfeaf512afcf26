namespace Telephony.Ivr;

/// <summary>
/// A loaded, fully validated script: immutable, safe to share between calls. A reload builds
/// a new instance; calls already running keep the one they started with.
/// </summary>
public sealed class IvrScript
{
    internal IvrScript(
        string filePath,
        string promptDirectory,
        IReadOnlyList<string> languages,
        TimeSpan utcOffset,
        int maxSteps,
        string? fallbackQueue,
        IReadOnlyDictionary<string, string> entries,
        string defaultEntry,
        IReadOnlyDictionary<string, IvrNode> nodes,
        IReadOnlyDictionary<string, CallerList> callerLists,
        IReadOnlyDictionary<string, HolidayCalendar> calendars,
        IReadOnlyDictionary<string, InfoTable> infoTables,
        IReadOnlyDictionary<string, Schedule> schedules,
        IReadOnlySet<string> referencedPrompts)
    {
        FilePath = filePath;
        PromptDirectory = promptDirectory;
        Languages = languages;
        UtcOffset = utcOffset;
        MaxSteps = maxSteps;
        FallbackQueue = fallbackQueue;
        Entries = entries;
        DefaultEntry = defaultEntry;
        Nodes = nodes;
        CallerLists = callerLists;
        Calendars = calendars;
        InfoTables = infoTables;
        Schedules = schedules;
        ReferencedPrompts = referencedPrompts;
    }

    public string FilePath { get; }

    /// <summary>Prompts live at <c>{PromptDirectory}/{language}/{name}.wav</c>.</summary>
    public string PromptDirectory { get; }

    /// <summary>Languages every prompt exists in; the first is the language a call starts in.</summary>
    public IReadOnlyList<string> Languages { get; }

    public string DefaultLanguage => Languages[0];

    /// <summary>Offset of the local time schedules are written in (e.g. +08:00 for China).</summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>Upper bound on steps (and menu attempts) one run may take.</summary>
    public int MaxSteps { get; }

    /// <summary>Queue a caller lands in when the step budget runs out; null means hang up.</summary>
    public string? FallbackQueue { get; }

    /// <summary>Dialed number → entry node.</summary>
    public IReadOnlyDictionary<string, string> Entries { get; }

    public string DefaultEntry { get; }

    public IReadOnlyDictionary<string, IvrNode> Nodes { get; }

    public IReadOnlyDictionary<string, CallerList> CallerLists { get; }

    public IReadOnlyDictionary<string, HolidayCalendar> Calendars { get; }

    public IReadOnlyDictionary<string, InfoTable> InfoTables { get; }

    public IReadOnlyDictionary<string, Schedule> Schedules { get; }

    /// <summary>Every prompt name the script and its data files refer to.</summary>
    public IReadOnlySet<string> ReferencedPrompts { get; }

    /// <summary>The entry node for a dialed number, a bare number or a SIP/tel URI (its user part's digits are compared).</summary>
    public string EntryFor(string dialedNumber)
    {
        ArgumentNullException.ThrowIfNull(dialedNumber);
        if (Entries.TryGetValue(dialedNumber, out var node)) return node;
        var digits = new string(CallerList.UserPart(dialedNumber).Where(char.IsAsciiDigit).ToArray());
        return Entries.TryGetValue(digits, out node) ? node : DefaultEntry;
    }

    /// <summary>Path of a prompt's WAV for a language (falls back to the default language).</summary>
    public string PromptPath(string language, string name)
    {
        var lang = Languages.Contains(language) ? language : DefaultLanguage;
        return Path.Combine(PromptDirectory, lang, name + ".wav");
    }

    /// <summary>Local wall-clock time for schedules.</summary>
    public DateTime LocalTime(DateTimeOffset utcNow) => utcNow.ToOffset(UtcOffset).DateTime;
}
