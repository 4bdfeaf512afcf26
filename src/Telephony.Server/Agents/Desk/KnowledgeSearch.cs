using System.Text.RegularExpressions;
using Telephony.Cases.Storage;
using Telephony.Ivr;

namespace Telephony.Server.Agents.Desk;

/// <summary>
/// The desktop's knowledge panel: departments and partner hotlines from the directory, and the IVR's
/// information tables (bus times, highway conditions) with the words their prompts say, so an agent
/// tells a caller what the IVR would have. The prompt words come from <c>make-prompts.sh</c> beside the
/// script (its <c>prompt name "zh" "en"</c> lines are what the WAV files were made from).
/// </summary>
public sealed partial class KnowledgeSearch(IDirectoryStore directory, IvrScriptProvider scripts)
{
    /// <summary>The most entries one search returns.</summary>
    public const int MaxResults = 50;

    /// <summary>The longest query.</summary>
    public const int MaxQueryLength = 100;

    private PromptCache? _prompts;

    private sealed record PromptCache(IvrScript Script, IReadOnlyDictionary<string, string> Words);

    public async Task<IReadOnlyList<KnowledgeEntry>> SearchAsync(string? query, CancellationToken ct = default)
    {
        var q = (query ?? "").Trim();
        var entries = new List<KnowledgeEntry>();
        foreach (var d in await directory.ListDepartmentsAsync(ct).ConfigureAwait(false))
        {
            if (d.Active)
                entries.Add(new KnowledgeEntry("department", d.Name, d.Phone, d.Hours, d.Code));
        }
        foreach (var h in await directory.ListPartnerHotlinesAsync(ct).ConfigureAwait(false))
            entries.Add(new KnowledgeEntry(h.Kind == "emergency" ? "emergency" : "partner", h.Name, h.Number, h.Hours, h.Description));
        if (scripts.Current is { } script)
        {
            var words = PromptWords(script);
            foreach (var table in script.InfoTables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                foreach (var key in table.Keys.Order(StringComparer.Ordinal))
                {
                    table.TryGet(key, out var prompts);
                    var text = string.Join(" ", prompts.Names.Select(n => words.GetValueOrDefault(n, n)));
                    entries.Add(new KnowledgeEntry("info", $"{table.Name} {key}", null, null, text));
                }
            }
        }
        return entries.Where(e => q.Length == 0 || Matches(e, q)).Take(MaxResults).ToList();
    }

    private static bool Matches(KnowledgeEntry e, string q) =>
        e.Title.Contains(q, StringComparison.OrdinalIgnoreCase) || (e.Number?.Contains(q, StringComparison.Ordinal) ?? false)
        || (e.Text?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false) || e.Kind.Equals(q, StringComparison.OrdinalIgnoreCase);

    // Read once per loaded script (a reload gives a new script object).
    private IReadOnlyDictionary<string, string> PromptWords(IvrScript script)
    {
        if (Volatile.Read(ref _prompts) is { } cached && ReferenceEquals(cached.Script, script))
            return cached.Words;
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = Path.Combine(Path.GetDirectoryName(script.FilePath) ?? ".", "make-prompts.sh");
        if (File.Exists(file))
        {
            // Continuation lines ("\" at the end) joined first, as the shell would.
            var text = File.ReadAllText(file).Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (Match m in PromptLine().Matches(text))
                words[m.Groups["name"].Value] = m.Groups["zh"].Value + " / " + m.Groups["en"].Value;
        }
        Volatile.Write(ref _prompts, new PromptCache(script, words));
        return words;
    }

    [GeneratedRegex("""^prompt\s+(?<name>\S+)\s+"(?<zh>[^"]*)"\s+"(?<en>[^"]*)"\s*$""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PromptLine();
}
