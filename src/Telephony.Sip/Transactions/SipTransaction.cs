using Telephony.Sip.Messages;
using Telephony.Sip.Timers;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Transactions;

/// <summary>
/// Common state of the four RFC 3261 §17 transaction machines. Every event (message, timer,
/// transport error) runs under the transaction's lock; timers are entries in the shared
/// <see cref="SipTimerQueue"/>. When a machine reaches Terminated it cancels its timers and is
/// removed from the transaction table, so the table only ever holds live transactions.
/// </summary>
public abstract class SipTransaction
{
    private protected readonly Lock Gate = new();
    private protected readonly ISipTransactionHost Host;
    private SipTimer? _retransmitTimer;
    private SipTimer? _lifetimeTimer;

    private protected SipTransaction(ISipTransactionHost host, SipRequest request, SipFlow flow, SipTransactionKey key, SipTransactionState initial)
    {
        Host = host;
        Request = request;
        Flow = flow;
        Key = key;
        State = initial;
        CallId = request.CallId ?? "";
    }

    /// <summary>The request that created the transaction.</summary>
    public SipRequest Request { get; }

    /// <summary>Where the request came from (server) or went to (client).</summary>
    public SipFlow Flow { get; private protected set; }

    public SipTransactionState State { get; private protected set; }

    public string CallId { get; }

    public bool IsInvite => Request.Method == SipMethods.Invite;

    internal SipTransactionKey Key { get; }

    private protected bool Reliable => Flow.Protocol.IsReliable();

    private protected SipTimerSettings Timers => Host.TimerSettings;

    /// <summary>Starts (replacing) the retransmission timer (A, E or G).</summary>
    private protected void StartRetransmitTimer(TimeSpan due)
    {
        _retransmitTimer?.Cancel();
        _retransmitTimer = Host.Timers.Schedule(due, static s => ((SipTransaction)s!).FireRetransmit(), this);
    }

    private protected void StopRetransmitTimer()
    {
        _retransmitTimer?.Cancel();
        _retransmitTimer = null;
    }

    /// <summary>Starts (replacing) the timer that ends the current state (B, D, F, H, I, J, K, L, M).</summary>
    private protected void StartLifetimeTimer(TimeSpan due)
    {
        _lifetimeTimer?.Cancel();
        _lifetimeTimer = Host.Timers.Schedule(due, static s => ((SipTransaction)s!).FireLifetime(), this);
    }

    private void FireRetransmit()
    {
        lock (Gate)
        {
            if (State == SipTransactionState.Terminated) return;
            OnRetransmitTimer();
        }
    }

    private void FireLifetime()
    {
        Action? after;
        lock (Gate)
        {
            if (State == SipTransactionState.Terminated) return;
            after = OnLifetimeTimer();
        }
        after?.Invoke();
    }

    /// <summary>Timer A, E or G fired (under the lock).</summary>
    private protected abstract void OnRetransmitTimer();

    /// <summary>The state's lifetime timer fired (under the lock); may return work to run after the lock is released.</summary>
    private protected abstract Action? OnLifetimeTimer();

    /// <summary>The transport failed to send for this transaction (§17.1.4, §17.2.4).</summary>
    internal abstract void OnTransportError(Exception error);

    /// <summary>Enters Terminated: cancels timers and leaves the table. Call under the lock.</summary>
    private protected void Terminate()
    {
        if (State == SipTransactionState.Terminated) return;
        State = SipTransactionState.Terminated;
        StopRetransmitTimer();
        _lifetimeTimer?.Cancel();
        _lifetimeTimer = null;
        Host.Terminated(this);
    }

    /// <summary>Moves to a waiting state that ends after <paramref name="wait"/>, or at once when it is zero (reliable transports).</summary>
    private protected void WaitThenTerminate(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero) Terminate();
        else StartLifetimeTimer(wait);
    }
}
