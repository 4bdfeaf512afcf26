namespace Telephony.ContactCenter.Seats;

/// <summary>
/// Skills are plain lower-case names: a language ("zh", "en") or a lane ("taxi", "deputy",
/// "partner", "general"). A queue requires a set of them; an agent has a set of them.
/// </summary>
public static class SkillNames
{
    /// <summary>Trims, lower-cases, drops blanks and duplicates, sorts.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string>? skills) =>
        skills is null
            ? []
            : [.. skills.Where(s => !string.IsNullOrWhiteSpace(s))
                        .Select(s => s.Trim().ToLowerInvariant())
                        .Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)];

    /// <summary>True for a name a store can key by: letters, digits, '-', '_' only, at most 32 chars.</summary>
    public static bool IsValid(string skill) =>
        skill.Length is > 0 and <= 32 && skill.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The skill only <paramref name="agentId"/> has (every agent is given theirs at login): a call transferred to
    /// that agent needs it, so it waits for them alone, on any node, like any queued call (a personal queue).
    /// </summary>
    public static string Personal(string agentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var name = "agent-" + new string([.. agentId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        if (name.Length <= 32)
        {
            return name;
        }
        // Too long for a store key: a stable short form (FNV-1a of the id), still unique in practice.
        uint hash = 2166136261;
        foreach (var c in agentId)
        {
            hash = (hash ^ c) * 16777619;
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name[..23]}{hash:x8}");
    }
}
