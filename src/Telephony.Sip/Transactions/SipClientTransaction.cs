using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Transactions;

/// <summary>
/// A client transaction (§17.1): sends the request, retransmits it on UDP, matches responses and
/// reports them. <see cref="FinalResponse"/> completes with the first final response; a timeout
/// (Timer B/F) or transport failure completes it with a locally made 408 or 503 (§8.1.3.1) and
/// sets <see cref="Error"/>. Provisional responses go to the callback given when it was created.
/// </summary>
public abstract class SipClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<SipResponse>? _onProvisional;
    private readonly TaskCompletionSource _provisional = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private protected readonly ReadOnlyMemory<byte> RequestBytes;

    private protected SipClientTransaction(ISipTransactionHost host, SipRequest request, ReadOnlyMemory<byte> requestBytes, SipFlow flow,
        SipTransactionKey key, SipTransactionState initial, Action<SipResponse>? onProvisional)
        : base(host, request, flow, key, initial)
    {
        RequestBytes = requestBytes;
        _onProvisional = onProvisional;
    }

    /// <summary>The first final response (or the local 408/503 when the transaction failed).</summary>
    public Task<SipResponse> FinalResponse => _final.Task;

    /// <summary>Set when <see cref="FinalResponse"/> was made locally because of a timeout or transport error.</summary>
    public SipTransactionError? Error { get; private set; }

    /// <summary>True once a provisional response arrived (a CANCEL may then be sent, §9.1).</summary>
    public bool ReceivedProvisional => _provisional.Task.IsCompleted;

    /// <summary>Completes when the first provisional response arrives.</summary>
    public Task ProvisionalReceived => _provisional.Task;

    /// <summary>Sends the request for the first time and starts the timers.</summary>
    internal abstract void Start();

    /// <summary>The current retransmission interval (Timer A or E); doubled by the subclass.</summary>
    private protected TimeSpan RetransmitInterval { get; set; }

    /// <summary>
    /// The common start of both client machines: send, arm the retransmission timer on an
    /// unreliable transport only (§17.1.1.2, §17.1.2.2), and arm the lifetime timer (B or F).
    /// </summary>
    private protected void SendFirst(TimeSpan firstRetransmit, TimeSpan lifetime)
    {
        lock (Gate)
        {
            Host.Send(this, Flow, RequestBytes);
            if (!Reliable)
            {
                RetransmitInterval = firstRetransmit;
                StartRetransmitTimer(firstRetransmit);
            }
            StartLifetimeTimer(lifetime);
        }
    }

    /// <summary>A response matched this transaction (§17.1.3).</summary>
    internal abstract void OnResponse(SipResponse response);

    /// <summary>The TCP connection closed: fail only if nothing was heard yet (see the layer).</summary>
    internal void OnConnectionLost(Exception error)
    {
        lock (Gate) // re-entered by OnTransportError: the check and the failure are one step
        {
            if (State is SipTransactionState.Calling or SipTransactionState.Trying) OnTransportError(error);
        }
    }

    /// <summary>No final response yet: Calling (INVITE) or Trying (non-INVITE), then Proceeding.</summary>
    private protected bool AwaitingFinal =>
        State is SipTransactionState.Calling or SipTransactionState.Trying or SipTransactionState.Proceeding;

    /// <summary>
    /// Timer B or C (INVITE), F (non-INVITE) before a final response: a timeout (§17.1.1.2, §17.1.2.2).
    /// Timer D or M (INVITE), K (non-INVITE) after it: the wait for retransmissions is over.
    /// </summary>
    private protected override Action? OnLifetimeTimer()
    {
        if (AwaitingFinal)
        {
            Terminate();
            Fail(SipTransactionError.Timeout);
        }
        else if (State is SipTransactionState.Completed or SipTransactionState.Accepted)
        {
            Terminate();
        }
        return null;
    }

    /// <summary>The transport failed before a final response came: a local 503 (§8.1.3.1); false when one already came.</summary>
    private protected bool FailOnTransportError(Exception error)
    {
        if (!AwaitingFinal) return false;
        Host.Logger.TransactionTransportError(Key, error.Message);
        Terminate();
        Fail(SipTransactionError.TransportError);
        return true;
    }

    private protected void MarkProvisional() => _provisional.TrySetResult();

    private protected void DeliverProvisional(SipResponse response)
    {
        if (_onProvisional is null) return;
        try { _onProvisional(response); }
        catch (Exception ex) { Host.Logger.ProvisionalCallbackFailed(ex); }
    }

    private protected void DeliverFinal(SipResponse response) => _final.TrySetResult(response);

    /// <summary>Ends with a locally made final response (§8.1.3.1: timeout = 408, transport error = 503).</summary>
    private protected void Fail(SipTransactionError error)
    {
        Error = error;
        var (code, reason) = error == SipTransactionError.Timeout ? (408, "Request Timeout") : (503, "Service Unavailable");
        Host.Logger.TransactionFailed(Key, error);
        _final.TrySetResult(SipTxnMessages.LocalResponse(Request, code, reason));
        Host.ClientTransactionFailed(this, error);
    }
}

/// <summary>INVITE client transaction: RFC 3261 §17.1.1 (figure 5) as updated by RFC 6026 (figure 5: Accepted, Timer M).</summary>
internal sealed class InviteClientTransaction : SipClientTransaction
{
    private ReadOnlyMemory<byte>? _ackBytes;

    public InviteClientTransaction(ISipTransactionHost host, SipRequest request, ReadOnlyMemory<byte> requestBytes, SipFlow flow,
        SipTransactionKey key, Action<SipResponse>? onProvisional)
        : base(host, request, requestBytes, flow, key, SipTransactionState.Calling, onProvisional)
    {
    }

    internal override void Start() => SendFirst(Timers.A, Timers.B);

    private protected override void OnRetransmitTimer()
    {
        // Timer A: only while Calling; doubles each time (§17.1.1.2).
        if (State != SipTransactionState.Calling) return;
        Host.Send(this, Flow, RequestBytes);
        RetransmitInterval += RetransmitInterval;
        StartRetransmitTimer(RetransmitInterval);
    }

    internal override void OnResponse(SipResponse response)
    {
        int code = response.StatusCode;
        Action? after = null;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Calling or SipTransactionState.Proceeding when code < 200:
                    if (State == SipTransactionState.Calling)
                    {
                        // Timer B only guards Calling; Proceeding is bounded by Timer C (§16.6 style safety net).
                        StartLifetimeTimer(Timers.C);
                    }
                    State = SipTransactionState.Proceeding;
                    MarkProvisional();
                    StopRetransmitTimer();
                    after = () => DeliverProvisional(response);
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding when code < 300:
                    // RFC 6026 §8.4: 2xx → Accepted; the TU sends the ACK (end to end, §13.2.2.4).
                    State = SipTransactionState.Accepted;
                    StopRetransmitTimer();
                    StartLifetimeTimer(Timers.M);
                    DeliverFinal(response);
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding:
                    // §17.1.1.3: ACK the non-2xx here, then absorb retransmissions for Timer D.
                    State = SipTransactionState.Completed;
                    StopRetransmitTimer();
                    var ackBytes = SipTxnMessages.Serialize(SipTxnMessages.AckForNon2xx(Request, response));
                    _ackBytes = ackBytes;
                    Host.Send(this, Flow, ackBytes);
                    DeliverFinal(response);
                    WaitThenTerminate(Reliable ? TimeSpan.Zero : Timers.D);
                    break;
                case SipTransactionState.Completed when code >= 300:
                    if (_ackBytes is { } ack) Host.Send(this, Flow, ack);
                    break;
                case SipTransactionState.Accepted when code is >= 200 and < 300:
                    // RFC 6026 §8.4: retransmitted or forked 2xx go to the TU, which ACKs them.
                    after = () => Host.Additional2xx(this, response);
                    break;
                default:
                    Host.Logger.ResponseIgnored(Key, code, State);
                    break;
            }
        }
        after?.Invoke();
    }

    internal override void OnTransportError(Exception error)
    {
        lock (Gate)
        {
            if (!FailOnTransportError(error) && State == SipTransactionState.Completed)
            {
                Terminate(); // the ACK could not be sent: nothing more to do (§17.1.4)
            }
        }
    }
}

/// <summary>Non-INVITE client transaction: RFC 3261 §17.1.2 (figure 6).</summary>
internal sealed class NonInviteClientTransaction : SipClientTransaction
{

    public NonInviteClientTransaction(ISipTransactionHost host, SipRequest request, ReadOnlyMemory<byte> requestBytes, SipFlow flow,
        SipTransactionKey key, Action<SipResponse>? onProvisional)
        : base(host, request, requestBytes, flow, key, SipTransactionState.Trying, onProvisional)
    {
    }

    internal override void Start() => SendFirst(Timers.E, Timers.F);

    private protected override void OnRetransmitTimer()
    {
        // Timer E: doubles up to T2 while Trying; fixed at T2 while Proceeding (§17.1.2.2).
        if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding)) return;
        Host.Send(this, Flow, RequestBytes);
        RetransmitInterval = State == SipTransactionState.Trying ? Min(RetransmitInterval + RetransmitInterval, Timers.T2) : Timers.T2;
        StartRetransmitTimer(RetransmitInterval);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    internal override void OnResponse(SipResponse response)
    {
        int code = response.StatusCode;
        Action? after = null;
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return; // Completed absorbs retransmitted finals
            }
            if (code < 200)
            {
                State = SipTransactionState.Proceeding;
                MarkProvisional();
                after = () => DeliverProvisional(response);
            }
            else
            {
                State = SipTransactionState.Completed;
                StopRetransmitTimer();
                DeliverFinal(response);
                WaitThenTerminate(Reliable ? TimeSpan.Zero : Timers.K);
            }
        }
        after?.Invoke();
    }

    internal override void OnTransportError(Exception error)
    {
        lock (Gate)
        {
            FailOnTransportError(error);
        }
    }
}
