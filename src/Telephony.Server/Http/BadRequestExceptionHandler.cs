using Microsoft.AspNetCore.Diagnostics;

namespace Telephony.Server.Http;

/// <summary>
/// Turns a request ASP.NET Core could not read (malformed JSON, wrong content type, a body
/// over the size limit) into a problem+json response with the status the framework chose
/// (400, 413, 415…) and a log line, instead of a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        HttpLog.BadRequest(log, httpContext.Request.Method, httpContext.Request.Path, bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = "The request could not be read.",
                Detail = bad.InnerException?.Message ?? bad.Message,
            },
        });
    }
}
