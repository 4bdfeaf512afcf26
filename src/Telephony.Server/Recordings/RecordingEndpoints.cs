using System.Globalization;
using System.Security.Claims;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Server.Cases;
using Telephony.Server.Security;

namespace Telephony.Server.Recordings;

/// <summary>
/// Recordings for supervisors and the call's own agent:
/// <code>
/// GET /api/recordings?from&amp;to[&amp;caller&amp;agent&amp;queue&amp;outcome&amp;case&amp;limit]   search (an agent sees only their own calls)
/// GET /api/recordings/{callId}/audio[?channel=both|left|right][&amp;download=true]   the stereo WAV (caller left, agent right), Range requests
/// GET /api/recordings/audit?from&amp;to[&amp;callId&amp;limit]   the access audit (supervisor, admin)
/// </code>
/// Every listen (the first request of a playback: no Range or a range from byte 0) and every download is written to
/// the audit with the user, the time, the call and the channel asked for (the page splits the channels with WebAudio).
/// An agent asking for another agent's call gets 403; an expired recording (deleted by the retention sweep) 410.
/// </summary>
internal static class RecordingEndpoints
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/recordings").AddEndpointFilter<CaseExceptionFilter>()
            .RequireAuthorization(p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin));
        group.MapGet("", SearchAsync);
        group.MapGet("/audit", AuditAsync).RequireAuthorization(Roles.Supervisor);
        group.MapGet("/{callId}/audio", AudioAsync);
    }

    private static async Task<IResult> SearchAsync(HttpRequest r, ClaimsPrincipal user, IRecordingStore store, CancellationToken ct)
    {
        var q = r.Query;
        var to = CaseHttp.ParseTime(q["to"], "to") ?? DateTimeOffset.UtcNow.AddMinutes(1);
        var from = CaseHttp.ParseTime(q["from"], "from") ?? to.AddDays(-7);
        var limit = CaseHttp.ParseLong(q["limit"], "limit") ?? 100;
        if (limit is < 1 or > 500) { throw new CaseValidationException("limit", "must be between 1 and 500"); }
        var query = new RecordingQuery
        {
            From = from,
            To = to,
            Caller = Filter(q["caller"], "caller"),
            AgentId = Filter(q["agent"], "agent"),
            Queue = Filter(q["queue"], "queue"),
            Outcome = Filter(q["outcome"], "outcome"),
            CaseNumber = Filter(q["case"], "case"),
            Limit = (int)limit,
        };
        if (!IsSupervisor(user))
        {
            // An agent's search is always of their own calls, whatever agent filter was asked.
            query = query with { AgentId = user.FindFirstValue(TelephonyClaims.Agent) ?? "\0" };
        }
        var found = await store.SearchRecordingsAsync(query, ct).ConfigureAwait(false);
        return CaseHttp.Ok(found.Select(Item).ToList());
    }

    private static async Task<IResult> AudioAsync(string callId, HttpContext http, IRecordingStore store, RecordingFiles files,
        ILoggerFactory logs, TimeProvider time, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(RecordingEndpoints));
        var user = http.User;
        var name = user.FindFirstValue(TelephonyClaims.Name) ?? "?";
        if (!RecordingFiles.IsCallId(callId))
        {
            RecordingsLog.Refused(log, Http.LogText.Safe(callId, 64), Http.LogText.Safe(name), "not a call id");
            return Results.Problem(statusCode: 400, title: "Not a call id.", detail: "Recordings are named by call id only.");
        }
        var channel = (string?)http.Request.Query["channel"] ?? "both";
        if (channel is not ("both" or "left" or "right"))
        {
            return Results.Problem(statusCode: 400, title: "channel must be both, left (caller) or right (agent).");
        }
        bool download = string.Equals(http.Request.Query["download"], "true", StringComparison.OrdinalIgnoreCase);
        if (await store.GetRecordingAsync(callId, ct).ConfigureAwait(false) is not { } listing || listing.Call.RecordingPath is null)
        {
            return Results.Problem(statusCode: 404, title: "No recording for that call.");
        }
        if (!MayHear(user, listing.Call))
        {
            RecordingsLog.Refused(log, callId, Http.LogText.Safe(name), "not the call's agent");
            return Results.Problem(statusCode: 403, title: "Only supervisors and the call's own agent may hear this recording.");
        }
        if (listing.RecordingExpiredAt is { } expired)
        {
            return Results.Problem(statusCode: 410, title: "The recording has expired.",
                detail: string.Create(CultureInfo.InvariantCulture, $"Deleted by the retention sweep at {expired:o}."));
        }
        if (files.PathOf(listing.Call) is not { } path)
        {
            RecordingsLog.OutsideFolder(log, callId);
            return Results.Problem(statusCode: 404, title: "No recording for that call.");
        }
        if (!File.Exists(path))
        {
            return Results.Problem(statusCode: 404, title: "The recording file is missing.");
        }
        if (download || IsStartOfPlayback(http.Request))
        {
            var action = download ? "download" : "listen";
            await store.AddRecordingAccessAsync(new RecordingAccess(0, callId, name, RoleOf(user), action, channel, time.GetUtcNow()), ct).ConfigureAwait(false);
            RecordingsLog.Accessed(log, callId, action, channel, Http.LogText.Safe(name));
        }
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(path, "audio/wav", download ? FileNameFor(callId) : null, enableRangeProcessing: true);
    }

    private static async Task<IResult> AuditAsync(HttpRequest r, IRecordingStore store, CancellationToken ct)
    {
        var to = CaseHttp.ParseTime(r.Query["to"], "to") ?? DateTimeOffset.UtcNow.AddMinutes(1);
        var from = CaseHttp.ParseTime(r.Query["from"], "from") ?? to.AddDays(-30);
        var limit = CaseHttp.ParseLong(r.Query["limit"], "limit") ?? 200;
        if (limit is < 1 or > 1000) { throw new CaseValidationException("limit", "must be between 1 and 1000"); }
        string? callId = r.Query["callId"];
        if (callId is not null && !RecordingFiles.IsCallId(callId)) { throw new CaseValidationException("callId", "is not a call id"); }
        return CaseHttp.Ok(await store.ListRecordingAccessAsync(from, to, callId, (int)limit, ct).ConfigureAwait(false));
    }

    /// <summary>The one kind of path that may carry its token in the query (<c>access_token</c>): a recording's audio.</summary>
    internal static bool IsAudioPath(PathString path) =>
        path.StartsWithSegments("/api/recordings", out var rest) && rest.Value is { } r && r.EndsWith("/audio", StringComparison.Ordinal);

    /// <summary>Supervisors and admins hear every call; an agent only the calls they answered.</summary>
    internal static bool MayHear(ClaimsPrincipal user, CallRecord call) =>
        IsSupervisor(user) || (user.IsInRole(Roles.Agent) && call.AgentId is { } agent && agent == user.FindFirstValue(TelephonyClaims.Agent));

    internal static bool IsSupervisor(ClaimsPrincipal user) => user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin);

    private static string RoleOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Supervisor) ? Roles.Supervisor : Roles.Agent;

    // A player asks for the file, then for later ranges as it plays and seeks: one listen is the request that starts at byte 0.
    private static bool IsStartOfPlayback(HttpRequest request)
    {
        var range = request.Headers.Range.ToString();
        return range.Length == 0 || range.Replace(" ", "", StringComparison.Ordinal).StartsWith("bytes=0-", StringComparison.OrdinalIgnoreCase);
    }

    private static string FileNameFor(string callId) =>
        "call-" + new string([.. callId.Take(60).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]) + ".wav";

    private static string? Filter(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (value.Length > 100) { throw new CaseValidationException(field, "is longer than 100 characters"); }
        CaseHttp.CheckPlain(value, field);
        return value.Trim();
    }

    private static object Item(RecordingListing l) => new
    {
        l.Call.CallId,
        l.Call.Caller,
        l.Call.Called,
        l.Call.OfferedAt,
        l.Call.AnsweredAt,
        l.Call.EndedAt,
        l.Call.Queue,
        l.Call.AgentId,
        l.Call.Outcome,
        l.CaseNumber,
        HasRecording = l.Call.RecordingPath is not null,
        l.RecordingExpiredAt,
        DurationSeconds = l.Call.EndedAt is { } end && l.Call.AnsweredAt is { } answered ? Math.Round((end - answered).TotalSeconds) : (double?)null,
    };
}
