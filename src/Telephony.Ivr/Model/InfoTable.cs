namespace Telephony.Ivr;

/// <summary>An information table: entry key (digits, or a word for fixed entries) → prompts to play.</summary>
public sealed class InfoTable
{
    private readonly Dictionary<string, PromptList> _entries;

    public InfoTable(string name, IReadOnlyDictionary<string, PromptList> entries)
    {
        Name = name;
        _entries = new Dictionary<string, PromptList>(entries, StringComparer.Ordinal);
        MaxDigitKeyLength = _entries.Keys.Where(k => k.All(char.IsAsciiDigit)).Select(k => k.Length).DefaultIfEmpty(0).Max();
    }

    public string Name { get; }

    public IReadOnlyCollection<string> Keys => _entries.Keys;

    /// <summary>Longest all-digit key: how many digits a caller may need to key in.</summary>
    public int MaxDigitKeyLength { get; }

    public bool TryGet(string key, out PromptList prompts)
    {
        if (_entries.TryGetValue(key, out var p))
        {
            prompts = p;
            return true;
        }
        prompts = PromptList.None;
        return false;
    }
}
