using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Server.Security;

namespace Telephony.Server.Cases;

/// <summary>
/// <code>
/// GET  /api/directory/departments | districts | partner-hotlines     (any signed-in user)
/// POST /api/directory/departments | districts | partner-hotlines     (admin) create
/// PUT  /api/directory/departments/{id} | districts/{id} | partner-hotlines/{id}  (admin) edit
/// GET  /api/calendar ; PUT /api/calendar/{yyyy-MM-dd} {isWorkingDay, note} ; DELETE /api/calendar/{date}  (admin edits)
/// GET  /api/call-records?from&amp;to&amp;page&amp;pageSize ; GET /api/call-records/{callId}   (centre staff)
/// </code>
/// </summary>
internal static class DirectoryEndpoints
{
    public static void Map(WebApplication app)
    {
        var dir = CaseHttp.MapApiGroup(app, "/api/directory");
        MapDirectoryList<DepartmentRequest, Department>(dir, "/departments", "department",
            (s, ct) => s.ListDepartmentsAsync(ct), async (s, id, ct) => await s.GetDepartmentAsync(id, ct) is not null, (s, d, ct) => s.SaveDepartmentAsync(d, ct), Department);
        MapDirectoryList<DistrictRequest, District>(dir, "/districts", "district",
            (s, ct) => s.ListDistrictsAsync(ct), async (s, id, ct) => await s.GetDistrictAsync(id, ct) is not null, (s, d, ct) => s.SaveDistrictAsync(d, ct), District);
        MapDirectoryList<PartnerHotlineRequest, PartnerHotline>(dir, "/partner-hotlines", "partner hotline",
            (s, ct) => s.ListPartnerHotlinesAsync(ct), async (s, id, ct) => (await s.ListPartnerHotlinesAsync(ct)).Any(h => h.Id == id), (s, h, ct) => s.SavePartnerHotlineAsync(h, ct), Hotline);

        var cal = CaseHttp.MapApiGroup(app, "/api/calendar");
        cal.MapGet("", async (IDirectoryStore s, CancellationToken ct) => CaseHttp.Ok(await s.ListCalendarAsync(ct)));
        cal.MapPut("/{date}", async (string date, CalendarDayRequest? b, IDirectoryStore s, CancellationToken ct) =>
        {
            var day = ParseDate(date);
            var working = b?.IsWorkingDay ?? throw new CaseValidationException("isWorkingDay", "is required (false = holiday, true = make-up working day)");
            if (b.Note is { Length: > 200 }) { throw new CaseValidationException("note", "is longer than 200 characters"); }
            CaseHttp.CheckPlain(b.Note, "note");
            var entry = new CalendarDay(day, working, b.Note);
            await s.SetCalendarDayAsync(entry, ct);
            return CaseHttp.Ok(entry);
        }).RequireAuthorization(Roles.Admin);
        cal.MapDelete("/{date}", async (string date, IDirectoryStore s, CancellationToken ct) =>
            await s.DeleteCalendarDayAsync(ParseDate(date), ct) ? Results.NoContent()
                : Results.Problem(statusCode: 404, title: "No calendar entry for that date.")).RequireAuthorization(Roles.Admin);

        var calls = app.MapGroup("/api/call-records").AddEndpointFilter<CaseExceptionFilter>()
            .RequireAuthorization(p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin));
        calls.MapGet("", async (HttpRequest r, ICallRecordStore s, CancellationToken ct) =>
        {
            var from = CaseHttp.ParseTime(r.Query["from"], "from") ?? throw new CaseValidationException("from", "is required");
            var to = CaseHttp.ParseTime(r.Query["to"], "to") ?? throw new CaseValidationException("to", "is required");
            var page = CaseHttp.ParseLong(r.Query["page"], "page") ?? 1;
            var size = CaseHttp.ParseLong(r.Query["pageSize"], "pageSize") ?? 50;
            if (page is < 1 or > 1_000_000) { throw new CaseValidationException("page", "must be between 1 and 1000000"); }
            if (size is < 1 or > 500) { throw new CaseValidationException("pageSize", "must be between 1 and 500"); }
            return CaseHttp.Ok(await s.ListCallRecordsAsync(from, to, (int)page, (int)size, ct));
        });
        calls.MapGet("/{callId}", async (string callId, ICallRecordStore s, CancellationToken ct) =>
            await s.GetCallRecordAsync(callId, ct) is { } rec ? CaseHttp.Ok(rec) : Results.Problem(statusCode: 404, title: "Call record not found."));
    }

    /// <summary>
    /// One directory list: GET the list (any signed-in user), POST a new entry and PUT an edit (admin).
    /// Departments, districts and partner hotlines differ only in their types and store calls.
    /// </summary>
    private static void MapDirectoryList<TRequest, T>(RouteGroupBuilder group, string path, string what,
        Func<IDirectoryStore, CancellationToken, Task<IReadOnlyList<T>>> list,
        Func<IDirectoryStore, long, CancellationToken, Task<bool>> exists,
        Func<IDirectoryStore, T, CancellationToken, Task<T>> save,
        Func<long, TRequest?, T> build) where TRequest : class
    {
        group.MapGet(path, async (IDirectoryStore s, CancellationToken ct) => CaseHttp.Ok(await list(s, ct)));
        group.MapPost(path, async (TRequest? b, IDirectoryStore s, CancellationToken ct) =>
            Results.Json(await save(s, build(0, b), ct), CaseHttp.Json, statusCode: 201)).RequireAuthorization(Roles.Admin);
        group.MapPut(path + "/{id:long}", async (long id, TRequest? b, IDirectoryStore s, CancellationToken ct) =>
            await exists(s, id, ct) ? CaseHttp.Ok((await save(s, build(id, b), ct))!) : NotFound(what, id))
            .RequireAuthorization(Roles.Admin);
    }

    private static IResult NotFound(string what, long id) => Results.Problem(statusCode: 404, title: $"No {what} {id}.");

    private static DateOnly ParseDate(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw new CaseValidationException("date", "must be yyyy-MM-dd");

    private static Department Department(long id, DepartmentRequest? b)
    {
        CaseHttp.Require(b?.Code, "code", 50);
        CaseHttp.Require(b!.Name, "name", 200);
        if (b.Phone is { } phone && (phone.Length is 0 or > 32 || !phone.All(c => char.IsAsciiDigit(c) || c == '+')))
        {
            throw new CaseValidationException("phone", "must be digits (and +), at most 32");
        }
        CheckHours(b.Hours);
        return new Department(id, b.Code!.Trim(), b.Name!.Trim(), b.Active ?? true, b.Phone, b.Hours);
    }

    private static District District(long id, DistrictRequest? b)
    {
        CaseHttp.Require(b?.Code, "code", 50);
        CaseHttp.Require(b!.Name, "name", 200);
        return new District(id, b.Code!.Trim(), b.Name!.Trim());
    }

    private static PartnerHotline Hotline(long id, PartnerHotlineRequest? b)
    {
        CaseHttp.Require(b?.Number, "number", 32);
        CaseHttp.Require(b!.Name, "name", 200);
        if (b.Description is { Length: > 500 }) { throw new CaseValidationException("description", "is longer than 500 characters"); }
        CaseHttp.CheckFreeText(b.Description, "description");
        CheckHours(b.Hours);
        if (b.Kind is not (null or "hotline" or "emergency")) { throw new CaseValidationException("kind", "must be hotline or emergency"); }
        return new PartnerHotline(id, b.Number!.Trim(), b.Name!.Trim(), b.Description, b.Hours, b.Kind ?? "hotline");
    }

    private static void CheckHours(string? hours)
    {
        if (hours is { Length: > 100 }) { throw new CaseValidationException("hours", "is longer than 100 characters"); }
        CaseHttp.CheckFreeText(hours, "hours");
    }
}
