using Telephony.Calls.Commands;

namespace Telephony.Server.Calls;

/// <summary>The one mapping from a refused call command to an HTTP problem (the hub sends the same sentence as a HubException).</summary>
public static class CommandResults
{
    /// <summary>The status code for a refusal: 404 no such call, 403 not yours or not allowed, 409 state or conflict, 422 unreachable, 504 timed out.</summary>
    public static int StatusCodeOf(CommandStatus status) => status switch
    {
        CommandStatus.NoSuchCall => StatusCodes.Status404NotFound,
        CommandStatus.NotYourCall or CommandStatus.NotAllowed => StatusCodes.Status403Forbidden,
        CommandStatus.WrongState or CommandStatus.Conflict or CommandStatus.NothingToUndo => StatusCodes.Status409Conflict,
        CommandStatus.Unavailable => StatusCodes.Status422UnprocessableEntity,
        CommandStatus.TimedOut => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status200OK,
    };

    /// <summary>problem+json with the call's own sentence as the title.</summary>
    public static IResult Problem(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Results.Problem(title: result.Detail, statusCode: StatusCodeOf(result.Status));
    }
}
