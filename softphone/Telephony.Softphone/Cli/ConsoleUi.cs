using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Telephony.Softphone.Core;

namespace Telephony.Softphone.Cli;

/// <summary>
/// The terminal face of <see cref="AgentClient"/>: one line per event (works in tmux, a pipe or a log
/// file), commands read line by line from standard input.
/// </summary>
public sealed class ConsoleUi(AgentClient client, TextWriter output)
{
    /// <summary>Prints events until the client stops.</summary>
    public async Task PrintEventsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in client.Events.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var line = Format(e);
                if (line is not null)
                {
                    await output.WriteLineAsync($"{e.At.ToLocalTime():HH:mm:ss.fff} {line}").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Formats one event for the terminal.</summary>
    public static string? Format(AgentEvent e) => e switch
    {
        SeatStateEvent s => $"seat {s.Change.Extension}: {s.Change.State}{(s.Change.Reason is { } r ? $" ({r})" : "")}",
        ScreenPopEvent p => string.Join(Environment.NewLine,
            "┌─ SCREEN-POP ─────────────────────────────",
            $"│ call      {p.Pop.CallId}",
            $"│ caller    {p.Pop.CallerNumber}",
            $"│ dialed    {p.Pop.DialedNumber}",
            $"│ IVR path  {string.Join(" > ", p.Pop.IvrPath ?? [])}{(string.IsNullOrEmpty(p.Pop.IvrDigits) ? "" : $"  (keys {p.Pop.IvrDigits})")}",
            $"│ language  {p.Pop.Language}",
            $"│ queue     {p.Pop.Queue}",
            $"│ waited    {p.Pop.WaitTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
            "└──────────────────────────────────────────"),
        RingingEvent r => $"RINGING: call from {r.From}  (type 'answer' or 'hangup')",
        DigitEvent d => $"caller pressed {d.Digit}",
        ConnectedEvent c => $"connected ({c.Codec})",
        CallFinishedEvent f => $"call ended: {f.Reason}; RTP received {f.PacketsReceived} packets, sent {f.FramesSent} frames{(f.Recording is { } rec ? $"; heard audio in {rec}" : "")}",
        HubCallEvent h => $"{h.Name} {h.CallId} {h.Detail}".TrimEnd(),
        NoticeEvent n => $"! {n.Message}",
        PopTimingEvent t => t.Timing.PopToInviteLead is { } lead
            ? string.Create(CultureInfo.InvariantCulture, $"pop latency {t.Timing.PopLatency.TotalMilliseconds:0.0} ms, pop ahead of INVITE by {lead.TotalMilliseconds:0.0} ms")
            : null,
        _ => null,
    };

    /// <summary>Runs one typed command; returns false for quit.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return true;
        }
        try
        {
            switch (parts[0].ToLowerInvariant())
            {
                case "ready":
                    await Say(await client.SetReadyAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                case "notready":
                    await Say(await client.SetNotReadyAsync(parts.Length > 1 ? parts[1] : "break", ct).ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                case "logout":
                    await Say(await client.LogoutAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                case "status":
                    var seat = await client.GetSeatAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync(seat is null ? "not logged in to a seat" : Describe(seat)).ConfigureAwait(false);
                    break;
                case "answer":
                    if (!client.Answer())
                    {
                        await output.WriteLineAsync("nothing is ringing").ConfigureAwait(false);
                    }
                    break;
                case "hangup":
                    if (!await client.HangupAsync().ConfigureAwait(false))
                    {
                        await output.WriteLineAsync("no call").ConfigureAwait(false);
                    }
                    break;
                case "pause":
                    await client.PauseRecordingAsync(parts.Length > 1 ? parts[1] : "sensitive data", ct).ConfigureAwait(false);
                    await output.WriteLineAsync("recording paused").ConfigureAwait(false);
                    break;
                case "resume":
                    await client.ResumeRecordingAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync("recording resumed").ConfigureAwait(false);
                    break;
                case "partner" when parts.Length > 1:
                    await client.AddPartnerAsync(parts[1], ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"calling partner {parts[1]}").ConfigureAwait(false);
                    break;
                case "droppartner":
                    await client.DropPartnerAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync("partner dropped").ConfigureAwait(false);
                    break;
                case "handover":
                    await client.HandOverToPartnerAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync("handed over to the partner").ConfigureAwait(false);
                    break;
                case "transfer" when parts.Length > 1:
                    await client.TransferAsync(parts[1], ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"transferred to {parts[1]}").ConfigureAwait(false);
                    break;
                case "consult" when parts.Length > 1:
                    await client.ConsultTransferAsync(parts[1], ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"consulting {parts[1]}; the citizen is on hold (complete | cancel)").ConfigureAwait(false);
                    break;
                case "complete":
                    await client.CompleteTransferAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync("transfer completed").ConfigureAwait(false);
                    break;
                case "cancel":
                    await client.CancelTransferAsync(ct).ConfigureAwait(false);
                    await output.WriteLineAsync("back with the citizen").ConfigureAwait(false);
                    break;
                case "quit" or "exit":
                    return false;
                case "help":
                    await output.WriteLineAsync("commands: ready | notready <reason> | answer | hangup | pause <reason> | resume (recording) | partner <number> | droppartner | handover | transfer <agent:id|queue:name|number> | consult <agent:id|number> | complete | cancel | status | logout | quit").ConfigureAwait(false);
                    break;
                default:
                    await output.WriteLineAsync($"unknown command '{parts[0]}' (help lists them)").ConfigureAwait(false);
                    break;
            }
        }
        catch (HubException e)
        {
            await output.WriteLineAsync($"! {e.Message}").ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            await output.WriteLineAsync($"! {e.Message}").ConfigureAwait(false);
        }
        return true;
    }

    private Task Say(SeatInfo seat) => output.WriteLineAsync(Describe(seat));

    private static string Describe(SeatInfo seat) =>
        $"seat {seat.Extension}: {seat.State}{(seat.Reason is { } r ? $" ({r})" : "")}{(seat.Skills is { Count: > 0 } s ? $"  skills {string.Join(',', s)}" : "")}";
}
