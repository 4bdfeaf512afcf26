using System.Data.Common;

namespace Telephony.Cases.Storage;

/// <summary>
/// When a case intake is tried again (<see cref="CaseService.CreateAsync"/>): a database error that says the
/// connection, not the request, failed, raised before the case's transaction began to commit.
/// </summary>
internal static class IntakeRetry
{
    /// <summary>Tries in all: about ten seconds of waiting (0.25, 0.5, 1, 2, 2, 2, 2 s), a database restart's usual length.</summary>
    public const int Attempts = 8;

    /// <summary>The wait before <paramref name="attempt"/> (2 and on): doubling from a quarter second, at most two.</summary>
    public static TimeSpan DelayBefore(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(2000, 250 * (1 << Math.Clamp(attempt - 2, 0, 4))));

    /// <summary>
    /// True for an error the provider calls transient (a refused or broken connection, a server starting up) and for
    /// PostgreSQL's "terminating connection due to administrator command" (SQLSTATE 57P01/57P02: a shutdown or crash
    /// ended the session; the next connection works once the server is back). A failed commit is never here: the
    /// store raises <see cref="CaseCommitUncertainException"/> for it.
    /// </summary>
    public static bool IsTransient(Exception e) =>
        e is DbException db && (db.IsTransient || db.SqlState is "57P01" or "57P02" or "57P03");
}
