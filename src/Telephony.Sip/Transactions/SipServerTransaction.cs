using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Transactions;

/// <summary>
/// A server transaction (§17.2): created for each new request, absorbs retransmissions of it by
/// resending the last response, and carries the TU's responses back along the §18.2.2 route.
/// The TU answers with <see cref="SendResponseAsync"/>.
/// </summary>
public abstract class SipServerTransaction : SipTransaction
{
    private protected ReadOnlyMemory<byte>? LastResponseBytes;

    private protected SipServerTransaction(ISipTransactionHost host, SipRequest request, SipFlow flow, SipTransactionKey key, SipTransactionState initial)
        : base(host, request, flow, key, initial)
    {
    }

    /// <summary>The last response sent (null until the TU or the transaction answered).</summary>
    public SipResponse? LastResponse { get; private protected set; }

    /// <summary>True when a CANCEL matched this INVITE before its final response (§9.2); the 487 already went out.</summary>
    public bool IsCancelled { get; private protected set; }

    /// <summary>True once a final (≥ 200) response went out.</summary>
    public bool HasFinalResponse => LastResponse is { StatusCode: >= 200 };

    /// <summary>
    /// Sends a response to the request through this transaction. Throws
    /// <see cref="InvalidOperationException"/> when the state does not allow it (a final response
    /// was already sent, except 2xx retransmissions of an INVITE in Accepted).
    /// </summary>
    public ValueTask SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!TrySendResponse(response))
            throw new InvalidOperationException($"Cannot send {response.StatusCode} in state {State} of transaction {Key}.");
        return ValueTask.CompletedTask;
    }

    /// <summary>Like <see cref="SendResponseAsync"/> but returns false instead of throwing (e.g. a 200 racing a CANCEL's 487).</summary>
    public abstract bool TrySendResponse(SipResponse response);

    /// <summary>A retransmission of the request arrived (§17.2.1, §17.2.2).</summary>
    internal abstract void OnRequestRetransmission();

    /// <summary>
    /// Answers with a final non-2xx response once and forgets the request at once: no retransmission
    /// (Timer G), no wait for the ACK (Timer H) or for retransmissions (Timer J). §8.2.6 lets a UAS answer
    /// statelessly; this is for answers that may go to a forged source (a challenge, a refusal) and for
    /// refusals under overload, where keeping 64·T1 of state per request is what an attacker wants.
    /// A retransmitted request then arrives as new and is answered again; the ACK of a non-2xx finds no
    /// transaction and is handed to the TU, which ignores it. False when a final response already went out.
    /// </summary>
    public bool TryRespondStatelessly(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode < 300)
        {
            throw new ArgumentException("Only a non-2xx final response can be sent statelessly (a 2xx needs its transaction and dialog).", nameof(response));
        }
        lock (Gate)
        {
            if (State == SipTransactionState.Terminated || HasFinalResponse)
            {
                return false;
            }
            StopProvisionalTimer();
            Transmit(response);
            Terminate();
            return true;
        }
    }

    /// <summary>Cancels a timer the machine keeps besides the retransmit and lifetime timers (the INVITE's 100 Trying).</summary>
    private protected virtual void StopProvisionalTimer()
    {
    }

    private protected void Transmit(SipResponse response)
    {
        LastResponse = response;
        LastResponseBytes = SipTxnMessages.Serialize(response);
        Host.SendResponse(this, LastResponseBytes.Value);
    }

    private protected void Retransmit()
    {
        if (LastResponseBytes is { } bytes) Host.SendResponse(this, bytes);
    }
}

/// <summary>INVITE server transaction: RFC 3261 §17.2.1 (figure 7) as updated by RFC 6026 (Accepted, Timer L).</summary>
internal sealed class InviteServerTransaction : SipServerTransaction
{
    private TimeSpan _timerG;
    private Timers.SipTimer? _tryingTimer;

    public InviteServerTransaction(ISipTransactionHost host, SipRequest request, SipFlow flow, SipTransactionKey key)
        : base(host, request, flow, key, SipTransactionState.Proceeding)
    {
    }

    internal void Start()
    {
        lock (Gate)
        {
            // §17.2.1: 100 Trying unless the TU answers within 200 ms.
            _tryingTimer = Host.Timers.Schedule(Timers.TryingDelay, static s => ((InviteServerTransaction)s!).SendTryingIfSilent(), this);
            StartLifetimeTimer(Timers.InviteServerMaxProceeding);
        }
    }

    private protected override void StopProvisionalTimer() => _tryingTimer?.Cancel();

    /// <summary>
    /// Sends 100 Trying now rather than after <see cref="SipTimerSettings.TryingDelay"/>: for a TU known to be behind
    /// (§17.2.1 lets the transaction answer Trying at once; the timer is only the latest it may wait).
    /// </summary>
    internal void SendTryingNow()
    {
        _tryingTimer?.Cancel();
        SendTryingIfSilent();
    }

    private void SendTryingIfSilent()
    {
        lock (Gate)
        {
            if (State == SipTransactionState.Proceeding && LastResponse is null)
            {
                Transmit(SipTxnMessages.LocalResponse(Request, 100, "Trying"));
            }
        }
    }

    public override bool TrySendResponse(SipResponse response)
    {
        int code = response.StatusCode;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Proceeding when code < 200:
                    Transmit(response);
                    return true;
                case SipTransactionState.Proceeding when code < 300:
                    // RFC 6026 §8.5: 2xx → Accepted; the TU retransmits the 2xx itself until the ACK.
                    _tryingTimer?.Cancel();
                    State = SipTransactionState.Accepted;
                    StartLifetimeTimer(Timers.L);
                    Transmit(response);
                    return true;
                case SipTransactionState.Proceeding:
                    _tryingTimer?.Cancel();
                    State = SipTransactionState.Completed;
                    Transmit(response);
                    if (!Reliable)
                    {
                        _timerG = Timers.G;
                        StartRetransmitTimer(_timerG);
                    }
                    StartLifetimeTimer(Timers.H);
                    return true;
                case SipTransactionState.Accepted when code is >= 200 and < 300:
                    // RFC 6026 §8.7: the TU's 2xx retransmissions pass through in Accepted.
                    Transmit(response);
                    return true;
                default:
                    return false;
            }
        }
    }

    internal override void OnRequestRetransmission()
    {
        lock (Gate)
        {
            // Proceeding: resend the last provisional (a 100 Trying at once if the TU has not
            // answered yet); Completed: the final. Accepted and Confirmed absorb the INVITE
            // (RFC 6026 §8.6).
            if (State == SipTransactionState.Proceeding && LastResponse is null)
            {
                _tryingTimer?.Cancel();
                Transmit(SipTxnMessages.LocalResponse(Request, 100, "Trying"));
            }
            else if (State is SipTransactionState.Proceeding or SipTransactionState.Completed)
            {
                Retransmit();
            }
        }
    }

    /// <summary>An ACK matched this transaction (§17.2.1; RFC 6026 §8.7 for Accepted).</summary>
    internal void OnAck(SipRequest ack)
    {
        bool toTu = false;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Completed:
                    State = SipTransactionState.Confirmed;
                    StopRetransmitTimer();
                    WaitThenTerminate(Reliable ? TimeSpan.Zero : Timers.I);
                    break;
                case SipTransactionState.Accepted:
                    toTu = true;
                    break;
            }
        }
        if (toTu) Host.AckForAccepted(this, ack);
    }

    /// <summary>
    /// §9.2: a CANCEL matched. If no final response was sent yet, answers 487 and returns true (the
    /// layer then tells the TU); otherwise the CANCEL has no effect.
    /// </summary>
    internal bool OnCancel()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Proceeding) return false;
            IsCancelled = true;
            // Keep the To tag of an earlier provisional so the 487 belongs to the same early dialog.
            var tag = LastResponse?.To?.Tag;
            return TrySendResponse(SipTxnMessages.LocalResponse(Request, 487, "Request Terminated", tag));
        }
    }

    private protected override void OnRetransmitTimer()
    {
        // Timer G: doubles up to T2 while Completed (§17.2.1).
        if (State != SipTransactionState.Completed) return;
        Retransmit();
        _timerG = _timerG + _timerG < Timers.T2 ? _timerG + _timerG : Timers.T2;
        StartRetransmitTimer(_timerG);
    }

    private protected override Action? OnLifetimeTimer()
    {
        switch (State)
        {
            case SipTransactionState.Completed: // Timer H: the ACK never came
                Host.Logger.NoAckForFinalResponse(Key, LastResponse?.StatusCode);
                Terminate();
                return () => Host.ServerTransactionFailed(this, SipTransactionError.Timeout);
            case SipTransactionState.Proceeding: // the TU never answered (safety net)
                Host.Logger.InviteTuSilent(Key, Timers.InviteServerMaxProceeding);
                _tryingTimer?.Cancel();
                Terminate();
                return () => Host.ServerTransactionFailed(this, SipTransactionError.Timeout);
            default: // Timer I (Confirmed) or Timer L (Accepted)
                Terminate();
                return null;
        }
    }

    internal override void OnTransportError(Exception error)
    {
        bool notify = false;
        lock (Gate)
        {
            Host.Logger.TransactionTransportError(Key, error.Message);
            // RFC 6026 §8.8: in Accepted a failed 2xx send does not end the transaction.
            if (State is SipTransactionState.Proceeding or SipTransactionState.Completed)
            {
                _tryingTimer?.Cancel();
                Terminate();
                notify = true;
            }
        }
        if (notify) Host.ServerTransactionFailed(this, SipTransactionError.TransportError);
    }
}

/// <summary>Non-INVITE server transaction: RFC 3261 §17.2.2 (figure 8).</summary>
internal sealed class NonInviteServerTransaction : SipServerTransaction
{
    public NonInviteServerTransaction(ISipTransactionHost host, SipRequest request, SipFlow flow, SipTransactionKey key)
        : base(host, request, flow, key, SipTransactionState.Trying)
    {
    }

    internal void Start()
    {
        // Safety net: the client stops at Timer F (64·T1); a TU that never answers cannot keep us.
        lock (Gate) StartLifetimeTimer(Timers.F);
    }

    public override bool TrySendResponse(SipResponse response)
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding)) return false;
            // State first, then the bytes: whoever sees the response also sees the new state.
            if (response.StatusCode < 200)
            {
                State = SipTransactionState.Proceeding;
                Transmit(response);
            }
            else
            {
                State = SipTransactionState.Completed;
                Transmit(response);
                WaitThenTerminate(Reliable ? TimeSpan.Zero : Timers.J);
            }
            return true;
        }
    }

    internal override void OnRequestRetransmission()
    {
        // Trying absorbs; Proceeding and Completed resend the last response (§17.2.2).
        lock (Gate)
        {
            if (State is SipTransactionState.Proceeding or SipTransactionState.Completed) Retransmit();
        }
    }

    private protected override void OnRetransmitTimer()
    {
    }

    private protected override Action? OnLifetimeTimer()
    {
        bool silentTu = State is SipTransactionState.Trying or SipTransactionState.Proceeding;
        if (silentTu) Host.Logger.NonInviteTuSilent(Key);
        Terminate(); // Timer J, or the safety net
        return silentTu ? () => Host.ServerTransactionFailed(this, SipTransactionError.Timeout) : null;
    }

    internal override void OnTransportError(Exception error)
    {
        bool notify = false;
        lock (Gate)
        {
            Host.Logger.TransactionTransportError(Key, error.Message);
            if (State is SipTransactionState.Trying or SipTransactionState.Proceeding or SipTransactionState.Completed)
            {
                Terminate();
                notify = true;
            }
        }
        if (notify) Host.ServerTransactionFailed(this, SipTransactionError.TransportError);
    }
}
