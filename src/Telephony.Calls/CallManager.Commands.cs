using Telephony.Calls.Commands;
using Telephony.Calls.Sessions;

namespace Telephony.Calls;

// The one command path: hub methods and REST endpoints ask a call through AskAsync; the command
// runs in the call's own loop (InboundCallSession) and its answer comes back here.
public sealed partial class CallManager
{
    /// <summary>The longest a command waits for its call's answer (a SIP round trip at most; a call that ends meanwhile never answers).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Asks the call <paramref name="callId"/> on this node to carry out <paramref name="command"/>.</summary>
    public async Task<CommandResult> AskAsync(string callId, CallCommand command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (callId is null || !_calls.TryGetValue(callId, out var call))
        {
            // A callback's pop is acknowledged like a call's; its seat rings at once (the caller is not on the line).
            // (So is a callback task's; the pop may come back before the outbound call exists.)
            return command is AcknowledgePop && callId is not null && (OutboundFor(callId) is not null || _parked.ContainsKey(callId) || _taskEntries.ContainsKey(callId))
                ? CommandResult.Done("ringing") : CommandResult.NoSuchCall;
        }
        var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!call.Post(new CommandMessage(command, done)))
        {
            return CommandResult.NoSuchCall;
        }
        try
        {
            return await done.Task.WaitAsync(CommandTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return CommandResult.TimedOut;
        }
    }
}
