using System.Buffers;

namespace Telephony.Server.Http;

/// <summary>
/// The one check for text a person typed (user names, seat ids, a citizen's name and address, a
/// NotReady reason): no C0/C1 control characters (a CR or LF forges lines in logs and CSV exports, a NUL
/// or ESC confuses terminals) and no Unicode bidi formatting characters (U+061C, U+200E/F,
/// U+202A–202E, U+2066–2069: they reorder what a supervisor or operator reads, "Trojan Source").
/// Free text (a case description, a note) may also hold line breaks and tabs.
/// </summary>
public static class PlainText
{
    /// <summary>What a refusal says about the text (after the field's name).</summary>
    public const string Refusal = "may not contain control or text-direction characters";

    /// <summary>What a refusal of free text says (after the field's name).</summary>
    public const string FreeTextRefusal = "may not contain control characters (other than line breaks and tabs) or text-direction characters";

    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        [.. Range('\u0000', '\u001F'), .. Range('\u007F', '\u009F'), '\u061C', '\u200E', '\u200F', .. Range('\u202A', '\u202E'), .. Range('\u2066', '\u2069')]);

    private static readonly SearchValues<char> ForbiddenInFreeText = SearchValues.Create(
        [.. Range('\u0000', '\u0008'), '\u000B', '\u000C', .. Range('\u000E', '\u001F'), .. Range('\u007F', '\u009F'), '\u061C', '\u200E', '\u200F', .. Range('\u202A', '\u202E'), .. Range('\u2066', '\u2069')]);

    /// <summary>True for a control or bidi formatting character.</summary>
    public static bool IsForbidden(char c) => Forbidden.Contains(c);

    /// <summary>True when <paramref name="text"/> (a name, an id, a reason: one line) holds no forbidden character; null is clean.</summary>
    public static bool IsClean(string? text) => text is null || !text.AsSpan().ContainsAny(Forbidden);

    /// <summary>True when free text (line breaks and tabs allowed) holds no other forbidden character; null is clean.</summary>
    public static bool IsCleanFreeText(string? text) => text is null || !text.AsSpan().ContainsAny(ForbiddenInFreeText);

    private static IEnumerable<char> Range(char first, char last)
    {
        for (var c = first; c <= last; c++)
        {
            yield return c;
        }
    }
}
