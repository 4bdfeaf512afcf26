using System.Globalization;
using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Cases;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Media.Audio;

namespace Telephony.Calls.Sessions;

// Queued and ringing: music and position announcements while the ACD looks for an agent; the
// screen-pop is pushed first and the seat rings when its desktop acknowledges it (pop before ring),
// or after the bounded wait for a desktop that never does.
internal sealed partial class InboundCallSession
{
    private string? _queue;
    private string _language = "zh";
    private bool _enqueued;
    private InboundCall? _queueCall;     // as the IVR queued the call (priority, path): a callback or a transfer queues it again
    private RingSeat? _awaitingPopAck;
    private string? _popPushedTo;   // agent whose pop is being pushed, until its seat rings
    private bool _popAckedEarly;    // that agent acknowledged before the RingSeat arrived
    private long _popPushedAt;      // TimeProvider timestamp of the latest push, for the pop-latency metric

    private async Task EnqueueAsync(IvrQueueRequest request)
    {
        _language = request.Language;
        _queue = _services.Queues.Resolve(request.Queue, request.Language);
        var path = request.Path.Select(p => p.ToString()).ToList();
        var digits = string.Concat(request.Path.Where(p => p.Kind == IvrPathKind.Digits).Select(p => p.Value));
        Phase = CallPhase.Queued;
        _timeline.QueuedAt = _services.Time.GetUtcNow();
        RecordMilestone();
        _ = _caller.Media.Play(_services.HoldMusic.Next());
        _enqueued = true;
        _queueCall = new InboundCall(CallId, CallerNumber, DialedNumber, _queue, request.Priority, request.Language, path, digits, request.Skills);
        var position = await _services.Acd.EnqueueAsync(_queueCall).ConfigureAwait(false);
        LogQueued(_log, _queue, request.Queue, position?.Position ?? 0);
        OfferCallbackIfLongWait(request, position?.ExpectedWait);
    }

    /// <summary>
    /// "You are number N in the queue", and "the expected wait is about M minutes" when that is worth
    /// saying (not when an agent is Ready, nor under half a minute: see <see cref="QueuePosition.WaitWorthSaying"/>).
    /// </summary>
    private void AnnouncePosition(QueuePosition position)
    {
        if (position.Position <= 0)
        {
            return;
        }
        var names = QueuePositionPhrase.Prompts(_language, position.Position);
        if (position.WaitWorthSaying)
        {
            names = [.. names, .. QueuePositionPhrase.ExpectedWait(_language, position.WaitMinutes)];
        }
        if (PromptsNamed(names) is not { } prompts)
        {
            return;
        }
        LogPosition(_log, position.Position);
        Announced = [.. Announced, position.Position];
        AnnouncedWaits = [.. AnnouncedWaits, position.WaitWorthSaying ? position.WaitMinutes : 0];
        _ = _caller.Media.Play(new SequenceSource(new PromptPlayer(prompts), _services.HoldMusic.Next()));
    }

    /// <summary>The expected waits (minutes) said with each announced position, 0 when none was said (a snapshot, readable from any thread).</summary>
    public IReadOnlyList<int> AnnouncedWaits { get; private set; } = [];

    /// <summary>The script's prompts of that name in the caller's language (a missing one is logged and left out); null without a script.</summary>
    private List<Prompt>? PromptsNamed(IEnumerable<string> names)
    {
        var script = _services.Scripts.Current;
        if (script is null)
        {
            return null;
        }
        var prompts = new List<Prompt>();
        foreach (var name in names)
        {
            try
            {
                prompts.Add(_services.Media.Prompts.Get(script.PromptPath(_language, name)));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogPromptMissing(_log, name, e.Message);
            }
        }
        return prompts;
    }

    private CallOutcome? _queueExit;

    /// <summary>
    /// The ACD ended the wait (issue 14): a full queue refuses with <c>queue-full</c>; a wait that reached the
    /// queue's maximum hears <c>queue-sorry</c>. Then the call ends with outcome queue-full or queue-timeout; the
    /// caller may hang up first. The end action "callback-offer" keeps the call in its place and offers a call-back
    /// first (<see cref="OfferCallbackAtWaitEnd"/>); <c>queue-sorry</c> follows only when the caller does not take it.
    /// </summary>
    private async Task OnQueueExitAsync(QueueExit exit)
    {
        if (Phase is not (CallPhase.Queued or CallPhase.Ringing) || _queueExit is not null)
        {
            return;
        }
        // The ACD keeps a call whose wait ends with the call-back offer: its end (EndAsync) removes it.
        var keptInPlace = exit.Action == QueueEndAction.CallbackOffer && exit.Reason == QueueExitReason.MaxWait;
        if (keptInPlace && (Phase != CallPhase.Queued || _callbackAccepted || OfferCallbackAtWaitEnd()))
        {
            return; // an agent is being offered the call, the caller already chose a call-back, or is offered one now
        }
        await SaySorryAndEndAsync(exit, keptInPlace).ConfigureAwait(false);
    }

    /// <summary>The wait is over: the caller hears why, then the call ends (queue-full or queue-timeout).</summary>
    private async Task SaySorryAndEndAsync(QueueExit exit, bool keptInPlace)
    {
        if (Phase == CallPhase.Ringing)
        {
            await DropCentreAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
        }
        if (keptInPlace)
        {
            await LeaveAcdAsync().ConfigureAwait(false); // the ACD kept it for the offer: out of the queue now, no agent is offered it
        }
        _enqueued = false; // the ACD has let the call go
        _awaitingPopAck = null;
        _queueExit = exit.Reason == QueueExitReason.Full ? CallOutcome.QueueFull : CallOutcome.QueueTimeout;
        LogQueueExit(_log, exit.Queue, exit.Reason.ToString(), exit.Action.ToString());
        var prompts = PromptsNamed([exit.Reason == QueueExitReason.Full ? "queue-full" : "queue-sorry"]) ?? [];
        var spoken = _caller.Media.Play(new PromptPlayer(prompts));
        _ = SayThenPostAsync(spoken);
    }

    private async Task SayThenPostAsync(Task spoken)
    {
        await spoken.ConfigureAwait(false);
        Post(new QueueExitSpoken());
    }

    /// <summary>The ACD is about to push this agent's pop (posted before the push, so an early acknowledgement finds it).</summary>
    private void OnPopPushing(PopPushing pushing)
    {
        _popPushedTo = pushing.AgentId;
        _popAckedEarly = false;
        _popPushedAt = _services.Time.GetTimestamp();
    }

    /// <summary>The pop is pushed: wait (in the mailbox, not blocking it) for the desktop's acknowledgement, bounded.</summary>
    private async Task AwaitPopAckAsync(RingSeat ring)
    {
        if (Phase != CallPhase.Queued || _awaitingPopAck is not null)
        {
            return; // already ringing elsewhere or over; the ACD's timer settles the seat
        }
        var ackedEarly = _popAckedEarly && string.Equals(_popPushedTo, ring.Offer.Seat.AgentId, StringComparison.Ordinal);
        _popPushedTo = null;
        _popAckedEarly = false;
        if (ackedEarly)
        {
            // The desktop's acknowledgement overtook this message: the pop is there, ring now.
            await RingAsync(ring).ConfigureAwait(false);
            return;
        }
        _awaitingPopAck = ring;
        _ = TimeoutPopAckAsync(ring);
    }

    private async Task TimeoutPopAckAsync(RingSeat ring)
    {
        var wait = _services.PopAckMaximumWait;
        if (wait > TimeSpan.Zero)
        {
            await _services.DelayAsync(wait).ConfigureAwait(false);
        }
        Post(new PopAckTimedOut(ring));
    }

    private async Task OnPopAckTimedOutAsync(PopAckTimedOut timedOut)
    {
        if (!ReferenceEquals(timedOut.Ring, _awaitingPopAck))
        {
            return;
        }
        LogPopNotAcknowledged(_log, timedOut.Ring.Offer.Seat.Extension, timedOut.Ring.Offer.Seat.AgentId ?? "?", (int)_services.PopAckMaximumWait.TotalMilliseconds);
        CallMetrics.PopNotAcknowledged();
        _awaitingPopAck = null;
        await RingAsync(timedOut.Ring).ConfigureAwait(false);
    }

    /// <summary>The <see cref="AcknowledgePop"/> command: the desktop shows the pop, so its seat may ring.</summary>
    internal async Task<CommandResult> AcknowledgePopAsync(AcknowledgePop command)
    {
        if (_awaitingPopAck is { } waiting && string.Equals(waiting.Offer.Seat.AgentId, command.AgentId, StringComparison.Ordinal))
        {
            LogPopAcknowledged(_log, waiting.Offer.Seat.Extension, command.AgentId);
            CallMetrics.PopAcknowledged(_services.Time.GetElapsedTime(_popPushedAt));
            _awaitingPopAck = null;
            await RingAsync(waiting).ConfigureAwait(false);
            return CommandResult.Done("ringing");
        }
        if (_awaitingPopAck is null && Phase == CallPhase.Queued && _popPushedTo is not null
            && string.Equals(_popPushedTo, command.AgentId, StringComparison.Ordinal))
        {
            // Acknowledged before the RingSeat that follows the push reached this mailbox.
            CallMetrics.PopAcknowledged(_services.Time.GetElapsedTime(_popPushedAt));
            _popAckedEarly = true;
            return CommandResult.Done("ringing");
        }
        if (_consulting && string.Equals(_consultAgentId, command.AgentId, StringComparison.Ordinal))
        {
            return CommandResult.Done("consulted"); // a colleague's desk showing the pop of a consultation: their phone rings already
        }
        // A late acknowledgement (the wait ended first) from the agent whose seat now rings is harmless.
        return Phase == CallPhase.Ringing && string.Equals(_agentId, command.AgentId, StringComparison.Ordinal)
            ? CommandResult.Done("ringing")
            : new CommandResult(CommandStatus.NotYourCall, "No screen-pop of yours is waiting for that call.");
    }

    private async Task RingAsync(RingSeat ring)
    {
        if (Phase != CallPhase.Queued)
        {
            return; // already ringing elsewhere or over; the ACD's timer settles the seat
        }
        var extension = ring.Offer.Seat.Extension;
        _agentExtension = extension;
        _agentId = ring.Offer.Seat.AgentId;
        var contact = ring.Browser ? "browser" : ring.Contacts[0].ContactUri;
        Phase = CallPhase.Ringing;
        _timeline.RingingAt = _services.Time.GetUtcNow();
        var leg = ring.Browser
            ? await DialBrowserAsync(LegRole.Agent, extension, _agentId ?? "", _services.BrowserPhones?.Signalling).ConfigureAwait(false)
            : await DialAsync(LegRole.Agent, extension, contact, "X-Telephony-Call", route: ring.Contacts[0].RouteSet, registeredFrom: ring.Contacts[0].Source).ConfigureAwait(false);
        if (leg is null)
        {
            await OfferFailedAsync("call failed (INVITE not sent)").ConfigureAwait(false);
            return;
        }
        _centre = leg;
        LogRinging(_log, extension, contact);
    }

    /// <summary>The ACD gave up on the seat (ring timeout): stop waiting for its pop, or stop ringing it.</summary>
    private async Task WithdrawOfferAsync(WithdrawOffer withdraw)
    {
        if (_awaitingPopAck is { } waiting && withdraw.Extension == waiting.Offer.Seat.Extension)
        {
            LogWithdrawn(_log, withdraw.Extension);
            _awaitingPopAck = null;
        }
        else if (withdraw.Extension == _agentExtension && Phase == CallPhase.Ringing)
        {
            LogWithdrawn(_log, withdraw.Extension);
            await DropCentreAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
        }
    }

    /// <summary>The NotReady reason a seat gets when its phone refuses a call with this final status.</summary>
    internal static string DeclineReason(int statusCode) => statusCode switch
    {
        486 or 600 => string.Create(CultureInfo.InvariantCulture, $"busy ({statusCode})"),
        603 => "declined (603)",
        0 => "call failed",
        _ => string.Create(CultureInfo.InvariantCulture, $"call failed ({statusCode})"),
    };

    /// <summary>The agent leg failed before it was answered: back to the queue, and the ACD moves the call on at once.</summary>
    private async Task OfferFailedAsync(string reason)
    {
        var extension = _agentExtension;
        await DropCentreAsync().ConfigureAwait(false);
        Phase = CallPhase.Queued;
        if (extension is null)
        {
            return;
        }
        try
        {
            // The ACD may offer the call on at once: its RingSeat lands in this mailbox after this message.
            await _services.Acd.OfferDeclinedAsync(CallId, extension, reason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogDeclineFailed(_log, e); // the ACD's ring timeout still moves the call on
        }
    }

    /// <summary>Tells the ACD once that the call left it (ended, or handed over to a partner).</summary>
    private async Task LeaveAcdAsync()
    {
        if (!_enqueued)
        {
            return;
        }
        _enqueued = false;
        try
        {
            await _services.Acd.CallEndedAsync(CallId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAcdFailed(_log, e);
        }
    }
}
