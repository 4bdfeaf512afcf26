using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Telephony.Cases;
using Telephony.Server.Http;

namespace Telephony.Server.Cases;

/// <summary>
/// Channels from outside the centre:
/// <code>
/// POST /api/sms/inbound   {from, text}   the SMS gateway's webhook; header X-Gateway-Token = Cases:SmsWebhookToken
/// POST /api/public/cases  {category, description, name?, phone?, location?}   the citizens' web form (anonymous)
/// </code>
/// Both answer 202 with the case number; a phone number gets the SMS acknowledgement at once.
/// </summary>
internal static class IntakeEndpoints
{
    public const string TokenHeader = "X-Gateway-Token";

    public static void Map(WebApplication app)
    {
        var settings = app.Services.GetRequiredService<CasesSettings>();
        var limit = new RequestSizeLimitAttribute(settings.MaxRequestBytes);

        app.MapPost("/api/sms/inbound", async (InboundSmsRequest? body, HttpRequest request, CaseService service, CasesSettings cases, CancellationToken ct) =>
        {
            var expected = cases.SmsWebhookToken;
            if (string.IsNullOrEmpty(expected))
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The SMS webhook is not configured (Cases:SmsWebhookToken).");
            }
            var given = request.Headers[TokenHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: $"Missing or wrong {TokenHeader}.");
            }
            if (body is null) { return Problems.Invalid("body", "a JSON message is required"); }
            CaseHttp.Require(body.From, "from", 32);
            CaseHttp.Require(body.Text, "text", CaseService.MaxDescriptionLength, freeText: true);
            var created = await service.ReceiveSmsAsync(body.From!.Trim(), body.Text!, ct);
            return Results.Json(new { created.Id, created.Number, created.AckSentAt }, CaseHttp.Json, statusCode: StatusCodes.Status202Accepted);
        }).AllowAnonymous().RequireRateLimiting(AnonymousRateLimit.Policy).AddEndpointFilter<CaseExceptionFilter>().WithMetadata(limit);

        app.MapPost("/api/public/cases", async (WebFormRequest? body, CaseService service, SmsDestinationLimit smsLimit, HttpContext http, CancellationToken ct) =>
        {
            if (body is null) { return Problems.Invalid("body", "a JSON form is required"); }
            CaseHttp.CheckPlain(body.Name, "name");
            CaseHttp.CheckPlain(body.Phone, "phone");
            CaseHttp.CheckPlain(body.Location, "location");
            CaseHttp.CheckFreeText(body.Description, "description");
            if (!smsLimit.Allows(body.Phone))
            {
                var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Server.Cases");
                CaseApiLog.SmsLimitReached(log, LogText.Safe(body.Phone, 32), http.Connection.RemoteIpAddress);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many submissions with this phone number; try again later.");
            }
            var intake = new CaseIntake
            {
                Channel = CaseChannel.Web,
                Category = CaseHttp.ParseEnum<CaseCategory>(body.Category, "category"),
                Description = body.Description ?? "",
                CitizenName = body.Name,
                CitizenPhone = body.Phone,
                Location = body.Location,
            };
            var created = await service.CreateAsync(intake, new Actor("web-form", ActorRole.Agent), ct);
            if (created.AckSentAt is not null)
            {
                smsLimit.Sent(body.Phone);
            }
            return Results.Json(new { created.Number, created.AckSentAt }, CaseHttp.Json, statusCode: StatusCodes.Status202Accepted);
        }).AllowAnonymous().RequireRateLimiting(AnonymousRateLimit.Policy).AddEndpointFilter<CaseExceptionFilter>().WithMetadata(limit);
    }
}
