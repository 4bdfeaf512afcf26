using Telephony.Media;
using Telephony.Sip.UserAgent;

namespace Telephony.LoadGen.Day;

/// <summary>
/// One simulated citizen of the day: dials (<see cref="CitizenDial"/>), presses its lane's keys (RFC 4733), then
/// waits for an agent; gives up when its patience (counted from the end of its IVR allowance) runs out, else talks
/// for its drawn time and hangs up itself (so no post-call survey stretches the call).
/// </summary>
internal static class DayCaller
{
    public static Task RunAsync(DayCall rec, DayOptions o, MediaEngine media, DayCallBook book) =>
        CitizenDial.RunAsync(rec, o, media, 440 + rec.Plan.Index % 400, call => TalkAsync(rec, call), () =>
        {
            if (rec.AgentConnectedAt is null)
                rec.Settled.TrySetResult(); // no agent's wrap-up to wait for
            book.Remove(rec);
        });

    private static async Task TalkAsync(DayCall rec, Softphone.Core.OutboundCall call)
    {
        var answered = rec.EstablishedAt ?? DateTimeOffset.UtcNow;
        foreach (var (after, key) in Lanes.Keys(rec.Lane, Random.Shared))
        {
            await Task.Delay(after).ConfigureAwait(false);
            call.SendDigit(key);
        }
        var giveUp = answered + Lanes.IvrAllowance(rec.Lane) + rec.Plan.Patience - DateTimeOffset.UtcNow;
        var first = await Task.WhenAny(rec.AgentConnected.Task, call.Call.Completion, Task.Delay(giveUp > TimeSpan.Zero ? giveUp : TimeSpan.Zero)).ConfigureAwait(false);
        if (first == call.Call.Completion)
        {
            rec.Failure = $"the server ended the call before an agent answered ({call.Ended?.Reason} {call.Ended?.StatusCode})";
            return;
        }
        if (first != rec.AgentConnected.Task)
        {
            rec.AbandonedAt = DateTimeOffset.UtcNow;
            await call.HangupAsync().ConfigureAwait(false);
            return;
        }
        await Task.WhenAny(call.Call.Completion, Task.Delay(rec.Plan.Talk)).ConfigureAwait(false);
        if (call.Call.State != CallState.Established)
        {
            rec.Failure = $"call dropped while talking ({call.Ended?.Reason})";
            return;
        }
        await call.HangupAsync().ConfigureAwait(false);
    }
}
