namespace Telephony.Cases;

/// <summary>Base of the errors the case service reports to its callers (mapped to problem+json by the API).</summary>
public abstract class CaseException : Exception
{
    protected CaseException(string message) : base(message) { }

    protected CaseException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An input field is missing, too long or out of range.</summary>
public sealed class CaseValidationException : CaseException
{
    public CaseValidationException(string field, string message) : base($"{field}: {message}") => Field = field;

    public string Field { get; }
}

/// <summary>The action is not allowed from the case's current status (or at this time).</summary>
public sealed class IllegalTransitionException : CaseException
{
    public IllegalTransitionException(string action, CaseStatus status, string? why = null)
        : base($"'{action}' is not allowed while the case is {status}{(why is null ? "" : ": " + why)}")
    {
        Action = action;
        Status = status;
    }

    public string Action { get; }
    public CaseStatus Status { get; }
}

/// <summary>No such case — or one the actor may not see (a handler never learns other departments' cases exist).</summary>
public sealed class CaseNotFoundException : CaseException
{
    public CaseNotFoundException(long id) : base($"case {id} not found") => CaseId = id;

    public long CaseId { get; }
}

/// <summary>Someone else changed the case since it was read: the stale write is refused, not lost.</summary>
public sealed class ConcurrencyConflictException : CaseException
{
    public ConcurrencyConflictException(long id, long expectedVersion)
        : base($"case {id} was changed by someone else (expected version {expectedVersion}); reload and retry")
    {
        CaseId = id;
        ExpectedVersion = expectedVersion;
    }

    public long CaseId { get; }
    public long ExpectedVersion { get; }
}

/// <summary>The actor's role may not perform this action.</summary>
public sealed class CaseForbiddenException : CaseException
{
    public CaseForbiddenException(string message) : base(message) { }
}

/// <summary>
/// The database failed while committing a new case: it may or may not be stored. Never tried again (a second try
/// could store the case twice); the caller sees the error, and the citizen is not told a case number.
/// </summary>
public sealed class CaseCommitUncertainException(Exception inner)
    : CaseException("The database failed while storing the case; it may or may not have been stored.", inner);
