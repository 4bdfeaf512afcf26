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
}
