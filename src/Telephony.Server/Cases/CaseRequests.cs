using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Telephony.Cases;
using Telephony.Server.Http;
using Telephony.Server.Security;

namespace Telephony.Server.Cases;

/// <summary>Body of <c>POST /api/cases</c>. Enums arrive as strings so a bad value is reported by field name.</summary>
public sealed record CreateCaseRequest(
    string? Channel, string? Category, string? Description, string? CitizenName, string? CitizenPhone,
    string? Location, long? DistrictId, bool? Confidential, string? CallId, string? RecordingPath);

/// <summary>Body of <c>POST /api/cases/{id}/transitions</c>.</summary>
public sealed record TransitionRequest(
    string? Action, long? ExpectedVersion, string? Note, long? DepartmentId, int? Days, string? Satisfaction,
    string? ReplyText, long? IntoCaseId);

/// <summary>Body of <c>POST /api/public/cases</c> (the citizens' web form).</summary>
public sealed record WebFormRequest(string? Category, string? Description, string? Name, string? Phone, string? Location);

/// <summary>Body of the SMS gateway's inbound webhook.</summary>
public sealed record InboundSmsRequest(string? From, string? Text);

public sealed record DepartmentRequest(string? Code, string? Name, bool? Active, string? Phone = null, string? Hours = null);
public sealed record DistrictRequest(string? Code, string? Name);
public sealed record PartnerHotlineRequest(string? Number, string? Name, string? Description, string? Hours = null, string? Kind = null);
public sealed record CalendarDayRequest(bool? IsWorkingDay, string? Note);

/// <summary>Parsing and mapping shared by the case endpoints.</summary>
internal static class CaseHttp
{
    /// <summary>Case JSON: web defaults with enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static IResult Ok(object value) => Results.Json(value, Json);

    /// <summary>A group of case API routes: signed-in users only, case errors as problem+json, the configured body size limit.</summary>
    public static RouteGroupBuilder MapApiGroup(WebApplication app, string prefix)
    {
        var limit = new RequestSizeLimitAttribute(app.Services.GetRequiredService<CasesSettings>().MaxRequestBytes);
        return app.MapGroup(prefix).RequireAuthorization().AddEndpointFilter<CaseExceptionFilter>().WithMetadata(limit);
    }

    public static T ParseEnum<T>(string? value, string field, bool required = true) where T : struct, Enum =>
        TryEnum<T>(value, field, required) ?? default;

    public static T? TryEnum<T>(string? value, string field, bool required = false) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? throw new CaseValidationException(field, "is required") : null;
        }
        // Names only: numbers would let an undefined value through.
        if (!char.IsLetter(value.Trim()[0]) || !Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            throw new CaseValidationException(field, $"must be one of {string.Join(", ", Enum.GetNames<T>())}");
        }
        return parsed;
    }

    /// <summary>An ISO 8601 instant, or a bare date meaning local midnight (UTC+8) of that day.</summary>
    public static DateTimeOffset? ParseTime(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t;
        }
        throw new CaseValidationException(field, "must be an ISO 8601 date or date-time");
    }

    public static long? ParseLong(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null
        : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new CaseValidationException(field, "must be an integer");

    public static CaseQuery ParseQuery(IQueryCollection q)
    {
        var page = ParseLong(q["page"], "page") ?? 1;
        var size = ParseLong(q["pageSize"], "pageSize") ?? 50;
        if (page < 1 || page > 1_000_000) { throw new CaseValidationException("page", "must be between 1 and 1000000"); }
        if (size < 1 || size > 500) { throw new CaseValidationException("pageSize", "must be between 1 and 500"); }
        string? text = q["text"];
        if (text is { Length: > 200 }) { throw new CaseValidationException("text", "is longer than 200 characters"); }
        bool? overdue = null;
        if (!string.IsNullOrWhiteSpace(q["overdue"]))
        {
            overdue = bool.TryParse(q["overdue"], out var o) ? o : throw new CaseValidationException("overdue", "must be true or false");
        }
        return new CaseQuery
        {
            Status = TryEnum<CaseStatus>(q["status"], "status"),
            Channel = TryEnum<CaseChannel>(q["channel"], "channel"),
            Category = TryEnum<CaseCategory>(q["category"], "category"),
            DepartmentId = ParseLong(q["departmentId"], "departmentId"),
            CreatedFrom = ParseTime(q["from"], "from"),
            CreatedTo = ParseTime(q["to"], "to"),
            Text = text,
            Overdue = overdue,
            Page = (int)page,
            PageSize = (int)size,
        };
    }

    public static CaseIntake ToIntake(CreateCaseRequest r)
    {
        CheckPlain(r.CitizenName, "citizenName");
        CheckPlain(r.CitizenPhone, "citizenPhone");
        CheckPlain(r.Location, "location");
        CheckFreeText(r.Description, "description");
        return new()
        {
            Channel = ParseEnum<CaseChannel>(r.Channel, "channel"),
            Category = ParseEnum<CaseCategory>(r.Category, "category"),
            Description = r.Description ?? "",
            CitizenName = r.CitizenName,
            CitizenPhone = r.CitizenPhone,
            Location = r.Location,
            DistrictId = r.DistrictId,
            Confidential = r.Confidential ?? false,
            CallId = r.CallId,
            RecordingPath = r.RecordingPath,
        };
    }

    public static Transition ToTransition(TransitionRequest r)
    {
        CheckFreeText(r.Note, "note");
        CheckFreeText(r.ReplyText, "replyText");
        return new()
        {
            Action = ParseEnum<CaseAction>(r.Action, "action"),
            ExpectedVersion = r.ExpectedVersion ?? throw new CaseValidationException("expectedVersion", "is required (the version you read)"),
            Note = r.Note,
            DepartmentId = r.DepartmentId,
            Days = r.Days,
            Satisfaction = TryEnum<Satisfaction>(r.Satisfaction, "satisfaction"),
            ReplyText = r.ReplyText,
            IntoCaseId = r.IntoCaseId,
        };
    }

    /// <summary>
    /// The case-service actor for the signed-in user. A handler's department code from the token
    /// is resolved to its id; an unknown code leaves it without a department (it then sees nothing).
    /// </summary>
    public static async Task<Actor> ActorAsync(ClaimsPrincipal user, Telephony.Cases.Storage.IDirectoryStore directory, CancellationToken ct)
    {
        var name = user.FindFirstValue(TelephonyClaims.Name) ?? "unknown";
        var role = user.FindFirstValue(TelephonyClaims.Role) switch
        {
            Roles.Admin => ActorRole.Admin,
            Roles.Supervisor => ActorRole.Supervisor,
            Roles.Agent => ActorRole.Agent,
            // Anything else is treated with the least privilege.
            _ => ActorRole.DepartmentHandler,
        };
        long? dept = null;
        if (role == ActorRole.DepartmentHandler && user.FindFirstValue(TelephonyClaims.Department) is { } code)
        {
            dept = (await directory.ListDepartmentsAsync(ct).ConfigureAwait(false)).FirstOrDefault(d => d.Code == code)?.Id;
        }
        return new Actor(name, role, dept);
    }

    /// <summary>A required field of at most <paramref name="max"/> characters: one line, or with <paramref name="freeText"/> line breaks and tabs too.</summary>
    public static void Require(string? value, string field, int max, bool freeText = false)
    {
        if (string.IsNullOrWhiteSpace(value)) { throw new CaseValidationException(field, "is required"); }
        if (value.Length > max) { throw new CaseValidationException(field, $"is longer than {max} characters"); }
        if (freeText) { CheckFreeText(value, field); } else { CheckPlain(value, field); }
    }

    /// <summary>A one-line field a person typed (a name, an address, a code): no control or text-direction characters (<see cref="PlainText"/>).</summary>
    public static void CheckPlain(string? value, string field)
    {
        if (!PlainText.IsClean(value)) { throw new CaseValidationException(field, PlainText.Refusal); }
    }

    /// <summary>Free text (a description, a note, a reply): line breaks and tabs allowed, other control and text-direction characters not.</summary>
    public static void CheckFreeText(string? value, string field)
    {
        if (!PlainText.IsCleanFreeText(value)) { throw new CaseValidationException(field, PlainText.FreeTextRefusal); }
    }
}
