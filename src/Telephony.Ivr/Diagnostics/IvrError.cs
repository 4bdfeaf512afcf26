namespace Telephony.Ivr;

/// <summary>One problem found while loading a script or one of its data files.</summary>
public sealed record IvrError(SourceLocation Location, string Message)
{
    /// <summary>Compiler-style line an operator can paste into an editor: <c>file:line:col: error: message</c>.</summary>
    public override string ToString() => $"{Location}: error: {Message}";
}

/// <summary>Thrown when a script the host cannot run without fails to load.</summary>
public sealed class IvrScriptException : Exception
{
    public IvrScriptException(string message, IReadOnlyList<IvrError> errors)
        : base(message + Environment.NewLine + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IvrScriptException() : this("IVR script failed to load", []) { }

    public IvrScriptException(string message) : this(message, []) { }

    public IvrScriptException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<IvrError> Errors { get; } = [];
}
