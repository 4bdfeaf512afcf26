using Microsoft.AspNetCore.Http.Metadata;
using Telephony.Cases;

namespace Telephony.Server.Cases;

/// <summary>Turns the case service's errors into problem+json responses, each with a log line.</summary>
internal static class Problems
{
    public static IResult From(CaseException ex, HttpContext http)
    {
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Server.Cases");
        CaseApiLog.Refused(log, http.Request.Method, http.Request.Path, ex.GetType().Name, ex.Message);
        return ex switch
        {
            CaseValidationException v => Results.ValidationProblem(
                new Dictionary<string, string[]> { [v.Field] = [v.Message] },
                title: $"Invalid field '{v.Field}'.", detail: v.Message, extensions: new Dictionary<string, object?> { ["field"] = v.Field }),
            CaseNotFoundException => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found.", detail: ex.Message),
            CaseForbiddenException => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for your role.", detail: ex.Message),
            IllegalTransitionException t => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Illegal transition.", detail: ex.Message,
                type: "urn:telephony:cases:illegal-transition", extensions: new Dictionary<string, object?> { ["action"] = t.Action, ["status"] = t.Status.ToString() }),
            ConcurrencyConflictException c => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case was changed by someone else.", detail: ex.Message,
                type: "urn:telephony:cases:version-conflict", extensions: new Dictionary<string, object?> { ["expectedVersion"] = c.ExpectedVersion }),
            CaseCommitUncertainException => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The case database failed.", detail: ex.Message),
            _ => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Request refused.", detail: ex.Message),
        };
    }

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid field '{field}'.", detail: $"{field}: {message}",
            extensions: new Dictionary<string, object?> { ["field"] = field });
}

/// <summary>Endpoint filter: a <see cref="CaseException"/> becomes its problem response.</summary>
internal sealed class CaseExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (CaseException ex)
        {
            return Problems.From(ex, context.HttpContext);
        }
    }
}

/// <summary>
/// Refuses a body whose declared length exceeds the endpoint's <see cref="IRequestSizeLimitMetadata"/>
/// with 413 problem+json before anything reads it. (Kestrel enforces the same limit on bodies
/// without a Content-Length while they are read; that surfaces as a 413 from the server's handler.)
/// </summary>
internal sealed class RequestSizeGuard(RequestDelegate next, ILogger<RequestSizeGuard> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is { } max && http.Request.ContentLength is { } length && length > max)
        {
            CaseApiLog.TooLarge(log, http.Request.Method, http.Request.Path, length, max);
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large.",
                detail: $"The body has {length} bytes; at most {max} are accepted here.").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        await next(http).ConfigureAwait(false);
    }
}
