namespace Telephony.ContactCenter.Queues;

/// <summary>
/// How a queue keeps from stranding a caller (issue 14): overflow steps taken after so long in the
/// queue, a maximum wait after which the <see cref="EndAction"/> ends the wait, and a size limit
/// past which a new caller is refused politely. The policy of the queue a call first entered rules
/// the call for its whole wait (an overflow target's own steps do not apply to it), so steps never
/// loop between queues and every wait is bounded by the first queue's <see cref="MaxWait"/>.
/// </summary>
public sealed record QueuePolicy
{
    /// <summary>Longest wait from joining the queue to the end action; null = no limit.</summary>
    public TimeSpan? MaxWait { get; init; }

    /// <summary>Most calls waiting in the queue (all its routes together) before a new one is refused; null = no limit.</summary>
    public int? MaxSize { get; init; }

    /// <summary>Overflow steps, in the order of their <see cref="QueueOverflow.After"/>.</summary>
    public IReadOnlyList<QueueOverflow> Overflows { get; init; } = [];

    /// <summary>What the caller gets when <see cref="MaxWait"/> is over (a full queue always gets its refusal).</summary>
    public QueueEndAction EndAction { get; init; } = QueueEndAction.Message;

    /// <summary>The policy of a queue configured without one: wait for ever, no limit.</summary>
    public static QueuePolicy None { get; } = new();
}

/// <summary>
/// One overflow step: after <paramref name="After"/> in the queue, the call also becomes (in place of
/// its route) a call of <paramref name="Queue"/> (null: the same queue) without the skills named in
/// <paramref name="Relax"/> (e.g. "taiwan" → any general agent). It keeps its arrival time and its
/// caller's priority, so it takes its place in the target by when it first called, and a deputy stays
/// before others.
/// </summary>
public sealed record QueueOverflow(TimeSpan After, string? Queue, IReadOnlyList<string> Relax);

/// <summary>What ends a wait that reached the queue's maximum.</summary>
public enum QueueEndAction
{
    /// <summary>A polite message ("nobody is free, please call again"), then the call ends.</summary>
    Message,

    /// <summary>
    /// The caller is offered a call-back ("press 1 and we call you back, you keep your place"): the call stays in its
    /// place; a caller who presses 1 may hang up and is called back when their turn comes; one who does not hears the
    /// polite message and the call ends. An anonymous caller (nothing to dial) gets the message at once.
    /// </summary>
    CallbackOffer,
}

/// <summary>Why the ACD ends a call's wait.</summary>
public enum QueueExitReason
{
    /// <summary>The queue was full when the call arrived: it was never queued.</summary>
    Full,

    /// <summary>The call waited the queue's maximum.</summary>
    MaxWait,
}

/// <summary>The ACD ends a call's wait: the caller gets <paramref name="Action"/>'s words and the call ends.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Queue">The configured queue the call entered (not a route's name).</param>
/// <param name="Reason">Full or maximum wait.</param>
/// <param name="Action">The queue's end action (for <see cref="QueueExitReason.Full"/> the refusal is always the message).</param>
public sealed record QueueExit(string CallId, string Queue, QueueExitReason Reason, QueueEndAction Action);
