namespace Telephony.Ivr;

/// <summary>A position in a script or data file: 1-based line and column, as editors show them.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
