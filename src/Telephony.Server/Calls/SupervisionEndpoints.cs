using Telephony.Calls;
using Telephony.Calls.Commands;
using Telephony.Server.Security;

namespace Telephony.Server.Calls;

/// <summary>
/// The supervisors' call control (policy <see cref="Roles.Supervisor"/>: supervisors and admins):
/// <c>GET /api/calls</c> lists the calls in progress on every node (<see cref="CallCommandRouter"/>); the commands reach a call on any node;
/// <c>POST /api/calls/{callId}/supervision</c> <c>{seat, mode}</c> rings the supervisor's seat and,
/// when it answers, mixes them into the conversation (mode <c>monitor</c>, <c>whisper</c> or <c>barge</c>);
/// <c>PUT …/supervision</c> <c>{mode}</c> switches the mode; <c>DELETE …/supervision</c> takes them off.
/// </summary>
public static class SupervisionEndpoints
{
    /// <summary>Body of the supervision requests.</summary>
    public sealed record SupervisionBody(string? Seat, string? Mode);

    public static IEndpointRouteBuilder MapSupervision(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/api/calls").RequireAuthorization(Roles.Supervisor);
        calls.MapGet("", async (CallCommandRouter router, CancellationToken ct) => Results.Ok(await router.LiveCallsAsync(ct).ConfigureAwait(false)));
        calls.MapPost("/{callId}/supervision", async (string callId, SupervisionBody? body, CallCommandRouter manager, ILoggerFactory logs, CancellationToken ct) =>
        {
            var log = logs.CreateLogger(typeof(SupervisionEndpoints));
            if (!TryMode(body?.Mode, out var mode) || !IsSeat(body?.Seat))
            {
                CallApiLog.SupervisionRefused(log, callId, "bad seat or mode");
                return Invalid("A seat (1..16 letters or digits) and a mode (monitor, whisper or barge) are required.");
            }
            return Respond(await manager.AskAsync(callId, new Supervise(body!.Seat!, mode), ct).ConfigureAwait(false), callId, log);
        });
        calls.MapPut("/{callId}/supervision", async (string callId, SupervisionBody? body, CallCommandRouter manager, ILoggerFactory logs, CancellationToken ct) =>
        {
            var log = logs.CreateLogger(typeof(SupervisionEndpoints));
            if (!TryMode(body?.Mode, out var mode))
            {
                CallApiLog.SupervisionRefused(log, callId, "bad mode");
                return Invalid("A mode (monitor, whisper or barge) is required.");
            }
            return Respond(await manager.AskAsync(callId, new ChangeSupervision(mode), ct).ConfigureAwait(false), callId, log);
        });
        calls.MapDelete("/{callId}/supervision", async (string callId, CallCommandRouter manager, ILoggerFactory logs, CancellationToken ct) =>
            Respond(await manager.AskAsync(callId, new EndSupervision(), ct).ConfigureAwait(false), callId, logs.CreateLogger(typeof(SupervisionEndpoints)), noContent: true));
        return app;
    }

    internal static bool TryMode(string? text, out SupervisionMode mode)
    {
        mode = default;
        // Names only: Enum.TryParse would also take "1" or "monitor,barge".
        return text is { Length: > 0 and <= 16 } && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out mode);
    }

    internal static bool IsSeat(string? seat) => seat is { Length: > 0 and <= 16 } && seat.All(char.IsAsciiLetterOrDigit);

    private static IResult Invalid(string detail) =>
        Results.Problem(title: "Invalid supervision request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Respond(CommandResult result, string callId, ILogger log, bool noContent = false)
    {
        if (result.Status == CommandStatus.Started)
        {
            return Results.Accepted(value: new { callId, status = result.Detail });
        }
        if (result.Status == CommandStatus.Done)
        {
            return noContent ? Results.NoContent() : Results.Ok(new { callId, status = result.Detail });
        }
        CallApiLog.SupervisionRefused(log, callId, result.Status.ToString());
        return CommandResults.Problem(result);
    }
}
