using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr.Loading;

/// <summary>
/// A YAML mapping read with scalar keys, remembering each key's node so errors can point at
/// it, and able to report keys nobody asked about (typos such as <c>timout:</c>).
/// </summary>
internal sealed class YamlMap
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, Diagnostics diagnostics)
    {
        Node = node;
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } scalar)
            {
                _entries[name] = (scalar, value);
            }
            else
            {
                diagnostics.Error(key, "mapping keys must be plain names");
            }
        }
    }

    public YamlMappingNode Node { get; }

    public IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries => _entries.Values;

    public bool Has(string key) => _entries.ContainsKey(key);

    public YamlNode? Get(string key) => _entries.TryGetValue(key, out var e) ? e.Value : null;

    public YamlScalarNode? KeyNode(string key) => _entries.TryGetValue(key, out var e) ? e.Key : null;

    /// <summary>Reports every key not in <paramref name="allowed"/> at the key's position.</summary>
    public void RejectUnknownKeys(Diagnostics diagnostics, string context, params string[] allowed)
    {
        foreach (var (key, _) in _entries.Values)
        {
            if (Array.IndexOf(allowed, key.Value) < 0)
            {
                diagnostics.Error(key, $"unknown key '{key.Value}' in {context} (expected one of: {string.Join(", ", allowed)})");
            }
        }
    }
}

/// <summary>Collects errors for one load; every error carries file:line:col.</summary>
internal sealed class Diagnostics(string file)
{
    private readonly List<IvrError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<IvrError> Errors => _errors;

    public int Count => _errors.Count;

    public SourceLocation Location(YamlNode node) => new(File, ToInt(node.Start.Line), ToInt(node.Start.Column));

    public void Error(YamlNode node, string message) => _errors.Add(new IvrError(Location(node), message));

    public void Error(SourceLocation location, string message) => _errors.Add(new IvrError(location, message));

    private static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)Math.Max(1, value);
}
