using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

using Telephony.Server.Hosting;

namespace Telephony.Server.Http;

/// <summary>
/// A per-address request budget for the endpoints anyone can reach without a token (the
/// citizens' web form and the SMS webhook), so one client cannot flood the case store or the
/// SMS gateway. (Password guessing on the login endpoint is handled by <c>LoginThrottle</c>.) Over budget: 429 problem+json with Retry-After and a log line.
/// </summary>
public static class AnonymousRateLimit
{
    public const string Policy = "anonymous";

    public static WebApplicationBuilder AddAnonymousRateLimit(this WebApplicationBuilder builder)
    {
        var permits = builder.AddSettings<RateLimitSettings>(RateLimitSettings.Section, (o, section) => o.Validate(section)).AnonymousPerMinute;
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AnonymousRateLimit));
                HttpLog.RateLimited(log, http.Request.Method, LogText.Safe(http.Request.Path.Value, 128), http.Connection.RemoteIpAddress);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    http.Response.Headers.RetryAfter = ((int)retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests from this address; try again later." },
                });
            };
        });
        return builder;
    }
}

/// <summary>The <c>RateLimit</c> configuration section.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Config section name.</summary>
    public const string Section = "RateLimit";

    /// <summary>Requests per minute one address may make to the anonymous endpoints.</summary>
    public int AnonymousPerMinute { get; set; } = 30;

    /// <summary>SMS acknowledgements the anonymous web form may send to one phone number per hour.</summary>
    public int SmsPerNumberPerHour { get; set; } = 5;

    /// <summary>Each bad value, named (checked at start).</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (SmsPerNumberPerHour is < 1 or > 10_000)
        {
            yield return FormattableString.Invariant($"{section}:SmsPerNumberPerHour = {SmsPerNumberPerHour} is out of range: use 1..10000");
        }
        if (AnonymousPerMinute is < 1 or > 100_000)
        {
            yield return FormattableString.Invariant($"{section}:AnonymousPerMinute = {AnonymousPerMinute} is out of range: use 1..100000");
        }
    }
}
