using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Auth;
using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// One call (an INVITE dialog, §13–§15) with one mailbox: every SIP event and every application
/// command is a work item in a single <see cref="Channel{T}"/> read by one loop, so the call's
/// state needs no locks. Commands return when their part on the wire is done; network waits
/// (the response to a BYE, re-INVITE, REFER …) happen outside the loop and post their results back.
/// </summary>
public sealed partial class SipCall
{
    private readonly SipUserAgent _ua;
    private readonly Channel<Func<Task>> _mailbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<CallEvent> _events;
    private readonly TaskCompletionSource<CallEnded> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // outgoing (UAC)
    private readonly SipDestination _destination;
    private readonly DigestClient? _digest;
    private SipClientTransaction? _inviteTx;
    private int _authAttempts;
    private readonly Dictionary<string, Dialog> _early = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tag, uint CSeq), SipRequest> _acks = [];
    private readonly Dictionary<string, Dialog> _extraDialogs = new(StringComparer.Ordinal);
    private bool _hangupRequested;

    // incoming (UAS)
    private readonly SipServerTransaction? _serverTx;
    private SipServerTransaction? _reinviteTx;
    private SipResponse? _pending2xx;
    private SipServerTransaction? _pending2xxTx;
    private int _retransmitGeneration;
    private SipTimer? _retransmitTimer;

    // both
    private SipRequest _invite;
    private Dialog? _dialog;
    private int _state = (int)CallState.Setup;
    private bool _reinvitePending;

    /// <summary>Outgoing call.</summary>
    internal SipCall(SipUserAgent ua, SipRequest invite, SipDestination destination)
    {
        _ua = ua;
        _invite = invite;
        _destination = destination;
        Direction = CallDirection.Outgoing;
        CallId = invite.CallId!;
        LocalTag = invite.From!.Tag!;
        LocalSdp = invite.Body;
        _digest = ua.Options.Username is { } u && ua.Options.Password is { } p ? new DigestClient(u, p) : null;
        _events = NewEventChannel(ua.Options.EventCapacity);
        _ = RunAsync();
    }

    /// <summary>Incoming call.</summary>
    internal SipCall(SipUserAgent ua, SipServerTransaction transaction, SipCall? replaced)
    {
        _ua = ua;
        _serverTx = transaction;
        _invite = transaction.Request;
        Direction = CallDirection.Incoming;
        CallId = _invite.CallId!;
        LocalTag = SipIds.NewTag();
        RemoteSdp = _invite.Body;
        Replaced = replaced;
        _events = NewEventChannel(ua.Options.EventCapacity);
        _ = RunAsync();
    }

    private static Channel<CallEvent> NewEventChannel(int capacity) =>
        Channel.CreateBounded<CallEvent>(new BoundedChannelOptions(Math.Max(8, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });

    /// <summary>The Call-ID.</summary>
    public string CallId { get; }

    /// <summary>Who called whom.</summary>
    public CallDirection Direction { get; }

    /// <summary>Our tag (From tag when we call, To tag when we answer).</summary>
    public string LocalTag { get; }

    /// <summary>The peer's tag of the established (or first early) dialog; null before there is one.</summary>
    public string? RemoteTag => _dialog?.Id.RemoteTag;

    /// <summary>The initial INVITE (ours, or the one we received): its Request-URI is the dialled target.</summary>
    public SipRequest Invite => _invite;

    /// <summary>The caller (incoming) or callee (outgoing) address.</summary>
    public NameAddress? RemoteParty => Direction == CallDirection.Incoming ? _invite.From : _invite.To;

    /// <summary>The call this one replaces (an incoming INVITE with Replaces, RFC 3891); the app ends it.</summary>
    public SipCall? Replaced { get; }

    /// <summary>Current state (may be read from any thread).</summary>
    public CallState State => (CallState)Volatile.Read(ref _state);

    /// <summary>Our current session description.</summary>
    public ReadOnlyMemory<byte> LocalSdp { get; private set; }

    /// <summary>The peer's current session description.</summary>
    public ReadOnlyMemory<byte> RemoteSdp { get; private set; }

    /// <summary>The call's events, in order; completes after <see cref="CallEnded"/>.</summary>
    public ChannelReader<CallEvent> Events => _events.Reader;

    /// <summary>Completes when the call ends.</summary>
    public Task<CallEnded> Completion => _ended.Task;

    internal bool HasDialog(string localTag, string remoteTag) =>
        LocalTag == localTag && (_dialog?.Id.RemoteTag == remoteTag || _early.ContainsKey(remoteTag));

    // ================================================================ mailbox

    internal void Post(Func<Task> work)
    {
        if (!_mailbox.Writer.TryWrite(work))
        {
            LogLateEvent(_ua.Logger, CallId);
        }
    }

    private Task<T> Invoke<T>(Func<Task<T>> action)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = async () =>
        {
            try
            {
                tcs.TrySetResult(await action().ConfigureAwait(false));
            }
            catch (Exception e)
            {
                tcs.TrySetException(e);
            }
        };
        if (!_mailbox.Writer.TryWrite(work))
        {
            tcs.TrySetException(new InvalidOperationException("the call is over"));
        }
        return tcs.Task;
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        using var scope = _ua.Logger.BeginScope("Call-ID {CallId}", CallId);
        await foreach (var work in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogWorkFailed(_ua.Logger, e, CallId);
                if (State != CallState.Ended)
                {
                    await TryByeAsync().ConfigureAwait(false);
                    End(CallEndReason.Failed, 500, e.Message);
                }
            }
        }
    }

    private void Emit(CallEvent e)
    {
        if (!_events.Writer.TryWrite(e))
        {
            LogEventDropped(_ua.Logger, CallId, e.GetType().Name);
        }
    }

    private void End(CallEndReason reason, int statusCode, string detail)
    {
        if (State == CallState.Ended)
        {
            return;
        }
        Volatile.Write(ref _state, (int)CallState.Ended);
        _dialog?.Terminate();
        StopRetransmitting();
        var ended = new CallEnded(reason, statusCode, detail);
        LogEnded(_ua.Logger, CallId, reason, statusCode, detail);
        Emit(ended);
        _events.Writer.TryComplete();
        _ended.TrySetResult(ended);
        // Keep the call reachable for retransmissions (a 2xx, a BYE) for 64*T1, then close the mailbox.
        if (TrySchedule(64 * _ua.Options.T1, static s => ((SipCall)s!).Close(), this) is null)
        {
            Close();
        }
    }

    /// <summary>Forgets the call and closes its mailbox (after the linger period, or when the UA shuts down).</summary>
    internal void Close()
    {
        _ua.Forget(this);
        _mailbox.Writer.TryComplete();
    }

    /// <summary>Schedules on the endpoint's shared timer queue; null once the endpoint is gone.</summary>
    private SipTimer? TrySchedule(TimeSpan dueIn, Action<object?> callback, object? state)
    {
        try
        {
            return _ua.Endpoint.Timers.Schedule(dueIn, callback, state);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    // ================================================================ outgoing call (UAC)

    internal void StartOutgoing() => Post(SendInviteAsync);

    private async Task SendInviteAsync()
    {
        try
        {
            var tx = await _ua.Endpoint.StartRequestAsync(_invite, _destination, r => Post(() => OnProvisionalAsync(tx: null, r))).ConfigureAwait(false);
            _inviteTx = tx;
            _ = tx.FinalResponse.ContinueWith(t => Post(() => OnInviteFinalAsync(tx, t.Result)), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (_hangupRequested)
            {
                _ = CancelInviteAsync(tx);
            }
        }
        catch (Exception e) when (e is SipTransportException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            End(CallEndReason.Failed, 503, e.Message);
        }
    }

    private Task OnProvisionalAsync(SipClientTransaction? tx, SipResponse response)
    {
        _ = tx;
        if (State is CallState.Ended or CallState.Established || response.CSeq?.Number != _invite.CSeq?.Number || response.StatusCode == 100)
        {
            return Task.CompletedTask;
        }
        if (response.To?.Tag is { } tag && response.Contacts.Count > 0)
        {
            if (_early.TryGetValue(tag, out var early))
            {
                early.OnInviteResponse(response.StatusCode, response.Contacts[0].ToString(), RecordRoutes(response));
            }
            else
            {
                early = Dialog.CreateAsUac(CallId, LocalTag, tag, LocalAddressText(), RemoteAddressText(), _invite.CSeq!.Number,
                    response.StatusCode, response.Contacts[0].ToString(), RecordRoutes(response));
                _early[tag] = early;
            }
        }
        Volatile.Write(ref _state, (int)CallState.Ringing);
        Emit(new CallProgress(response.StatusCode, response.ReasonPhrase, IsSdp(response) ? response.Body : ReadOnlyMemory<byte>.Empty));
        return Task.CompletedTask;
    }

    private async Task OnInviteFinalAsync(SipClientTransaction tx, SipResponse response)
    {
        if (tx != _inviteTx)
        {
            return; // an earlier attempt (before authentication)
        }
        if (response.IsSuccess)
        {
            await OnInviteSuccessAsync(response).ConfigureAwait(false);
            return;
        }
        if (State == CallState.Ended)
        {
            return;
        }
        if (response.StatusCode is 401 or 407 && _digest is not null && !_hangupRequested && _authAttempts < 2)
        {
            var retry = SipUserAgent.Authorize(_invite, response, _digest, _authAttempts > 0);
            _authAttempts++;
            if (retry is not null)
            {
                _invite = retry;
                _early.Clear();
                await SendInviteAsync().ConfigureAwait(false);
                return;
            }
        }
        foreach (var early in _early.Values)
        {
            early.OnInviteResponse(response.StatusCode, null, []);
        }
        var reason = _hangupRequested ? CallEndReason.Cancelled : CallEndReason.Rejected;
        End(reason, response.StatusCode, response.ReasonPhrase);
    }

    /// <summary>A 2xx to our INVITE (first, retransmitted, or from another fork; §13.2.2.4).</summary>
    internal async Task OnInviteSuccessAsync(SipResponse response)
    {
        if (response.To?.Tag is not { } tag || response.CSeq is not { } cseq)
        {
            return;
        }
        if (_acks.TryGetValue((tag, cseq.Number), out var ack))
        {
            await SendAckAsync(ack).ConfigureAwait(false); // retransmitted 2xx: the same ACK again
            return;
        }
        if (cseq.Number != _invite.CSeq?.Number)
        {
            return; // a re-INVITE's 2xx is handled where that re-INVITE was sent
        }
        var contact = response.Contacts.Count > 0 ? response.Contacts[0].ToString() : null;
        if (_dialog?.Id.RemoteTag == tag)
        {
            return;
        }
        if (!_early.Remove(tag, out var dialog))
        {
            if (contact is null)
            {
                LogBadResponse(_ua.Logger, CallId, "2xx without Contact");
                return;
            }
            dialog = Dialog.CreateAsUac(CallId, LocalTag, tag, LocalAddressText(), RemoteAddressText(), cseq.Number, 200, contact, RecordRoutes(response));
        }
        else
        {
            dialog.OnInviteResponse(200, contact, RecordRoutes(response));
        }
        ack = BuildInDialog(dialog, SipMethods.Ack, cseq.Number).Build();
        _acks[(tag, cseq.Number)] = ack;
        await SendAckAsync(ack).ConfigureAwait(false);

        if (_dialog is null && !_hangupRequested && State != CallState.Ended)
        {
            _dialog = dialog;
            RemoteSdp = response.Body;
            Volatile.Write(ref _state, (int)CallState.Established);
            Emit(new CallEstablished(response.Body));
            return;
        }
        // Another fork answered too, or we hung up meanwhile: ACK it (done) and end that dialog with BYE.
        LogExtraDialog(_ua.Logger, CallId, tag);
        _extraDialogs[tag] = dialog;
        await TryByeAsync(dialog).ConfigureAwait(false);
        if (_dialog is null && State != CallState.Ended)
        {
            End(CallEndReason.Cancelled, 200, "answered after cancel; sent BYE");
        }
    }

    private async Task SendAckAsync(SipRequest ack)
    {
        try
        {
            var destination = await UaDestinations.ResolveAsync(NextHopOf(ack), _ua.Options.DefaultTransport).ConfigureAwait(false);
            await _ua.Endpoint.SendStatelessAsync(ack, destination).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SipTransportException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogSendFailed(_ua.Logger, CallId, "ACK", e.Message);
        }
    }

    private static AddressUri NextHopOf(SipRequest request) =>
        request.Routes.Count > 0 && request.Routes[0].SipUri is { LooseRouting: true } first ? first : request.RequestUri;

    private async Task CancelInviteAsync(SipClientTransaction tx)
    {
        try
        {
            await _ua.Endpoint.CancelAsync(tx).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SipTransportException or InvalidOperationException or OperationCanceledException)
        {
            LogSendFailed(_ua.Logger, CallId, "CANCEL", e.Message);
        }
    }

    // ================================================================ incoming call (UAS)

    /// <summary>Sends a provisional response (180 Ringing by default, 183 with early media SDP).</summary>
    public Task RingAsync(int statusCode = 180, ReadOnlyMemory<byte> earlySdp = default) => Invoke(() =>
    {
        RequireIncomingUnanswered();
        if (statusCode is < 101 or > 199)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "a provisional status (101-199) is needed");
        }
        var b = CreateInviteResponse(statusCode);
        if (!earlySdp.IsEmpty)
        {
            b.SetBody(earlySdp, "application/sdp");
        }
        EnsureUasDialog();
        _ua.Respond(_serverTx!, b);
        Volatile.Write(ref _state, (int)CallState.Ringing);
        return Task.FromResult(true);
    });

    /// <summary>Answers with 200 OK and <paramref name="sdp"/>; the 2xx is retransmitted until the ACK (§13.3.1.4). <see cref="CallEstablished"/> follows on the ACK.</summary>
    public Task AcceptAsync(ReadOnlyMemory<byte> sdp) => Invoke(() =>
    {
        RequireIncomingUnanswered();
        LocalSdp = sdp;
        var b = CreateInviteResponse(200);
        b.SetHeader(SipHeaderNames.Allow, SipUserAgent.AllowedMethods);
        b.SetHeader(SipHeaderNames.Supported, "replaces");
        if (!sdp.IsEmpty)
        {
            b.SetBody(sdp, "application/sdp");
        }
        EnsureUasDialog();
        var response = b.Build();
        if (!_serverTx!.TrySendResponse(response))
        {
            throw new InvalidOperationException("the INVITE can no longer be answered (cancelled or timed out)");
        }
        StartRetransmitting(_serverTx, response);
        return Task.FromResult(true);
    });

    /// <inheritdoc cref="AcceptAsync(ReadOnlyMemory{byte})"/>
    public Task AcceptAsync(string sdp) => AcceptAsync(Encoding.UTF8.GetBytes(sdp));

    /// <summary>Refuses an incoming call with a final status (486 Busy Here, 603 Decline, 480 …).</summary>
    public Task RejectAsync(int statusCode = 486, string? reason = null) => Invoke(() =>
    {
        RequireIncomingUnanswered();
        if (statusCode < 300)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "a final error status (300-699) is needed");
        }
        _ua.Respond(_serverTx!, CreateInviteResponse(statusCode, reason));
        End(CallEndReason.Rejected, statusCode, reason ?? SipReasonPhrases.Get(statusCode));
        return Task.FromResult(true);
    });

    private void RequireIncomingUnanswered()
    {
        if (Direction != CallDirection.Incoming || State is not (CallState.Setup or CallState.Ringing) || _pending2xx is not null)
        {
            throw new InvalidOperationException($"the call cannot be answered in state {State}");
        }
    }

    private SipResponseBuilder CreateInviteResponse(int statusCode, string? reason = null)
    {
        var b = SipResponseBuilder.CreateResponse(_invite, statusCode, reason, LocalTag);
        foreach (var rr in _invite.GetHeaderLines(SipHeaderNames.RecordRoute))
        {
            b.AddHeader(SipHeaderNames.RecordRoute, rr); // §12.1.1: copy Record-Route into dialog-creating responses
        }
        if (statusCode < 300)
        {
            b.AddContact(_ua.ContactFor(_serverTx!.Flow.Protocol, _serverTx.Flow.Remote.Address));
        }
        b.SetHeader(SipHeaderNames.Server, _ua.Options.Product);
        return b;
    }

    private void EnsureUasDialog()
    {
        if (_dialog is not null)
        {
            return;
        }
        var contact = _invite.Contacts[0].ToString();
        _dialog = Dialog.CreateAsUas(CallId, LocalTag, _invite.From!.Tag ?? string.Empty,
            _invite.To!.WithoutParameter("tag").ToString(), _invite.From.WithoutParameter("tag").ToString(),
            _invite.CSeq!.Number, contact, RecordRoutes(_invite), confirmed: false);
    }

    private void StartRetransmitting(SipServerTransaction tx, SipResponse response)
    {
        _pending2xx = response;
        _pending2xxTx = tx;
        _retransmitTimer?.Cancel();
        int generation = ++_retransmitGeneration;
        ScheduleRetransmit(generation, _ua.Options.T1, TimeSpan.Zero);
    }

    private void StopRetransmitting()
    {
        _pending2xx = null;
        _retransmitGeneration++;
        _retransmitTimer?.Cancel();
        _retransmitTimer = null;
    }

    // §13.3.1.4: retransmit the 2xx at T1, 2*T1 … capped at T2, until the ACK or 64*T1. The timer is
    // an entry in the endpoint's shared queue; when it fires the work is posted into this call's mailbox.
    private void ScheduleRetransmit(int generation, TimeSpan interval, TimeSpan elapsed) =>
        _retransmitTimer = TrySchedule(interval, _ => Post(() => OnRetransmitDue(generation, interval, elapsed)), null);

    private Task OnRetransmitDue(int generation, TimeSpan interval, TimeSpan elapsed)
    {
        if (generation != _retransmitGeneration || _pending2xx is null)
        {
            return Task.CompletedTask;
        }
        var total = elapsed + interval;
        if (total >= 64 * _ua.Options.T1)
        {
            return OnAckTimeoutAsync();
        }
        var next = interval + interval < _ua.Options.T2 ? interval + interval : _ua.Options.T2;
        ScheduleRetransmit(generation, next, total); // due from now, before the send, so the interval excludes send time
        _pending2xxTx!.TrySendResponse(_pending2xx);
        return Task.CompletedTask;
    }

    private async Task OnAckTimeoutAsync()
    {
        // §13.3.1.4: no ACK within 64*T1 — confirm the dialog and end it with BYE.
        _pending2xx = null;
        bool initial = State != CallState.Established;
        await TryByeAsync().ConfigureAwait(false);
        End(CallEndReason.Failed, 408, initial ? "no ACK for our 2xx" : "no ACK for our re-INVITE 2xx");
    }

    internal async Task OnAckAsync(SipRequest ack)
    {
        if (_pending2xx is null || ack.CSeq?.Number != _pending2xx.CSeq?.Number || ack.From?.Tag != _dialog?.Id.RemoteTag)
        {
            return; // a retransmitted or stray ACK
        }
        StopRetransmitting();
        if (!ack.Body.IsEmpty)
        {
            RemoteSdp = ack.Body; // an answer to an offer in our 2xx (offerless INVITE)
        }
        if (State is CallState.Setup or CallState.Ringing)
        {
            _dialog!.Confirm();
            Volatile.Write(ref _state, (int)CallState.Established);
            Emit(new CallEstablished(RemoteSdp));
            if (_hangupRequested)
            {
                await TryByeAsync().ConfigureAwait(false);
                End(CallEndReason.LocalHangup, 0, "hung up");
            }
        }
    }

    internal Task OnRemoteCancelAsync()
    {
        if (Direction == CallDirection.Incoming && State is CallState.Setup or CallState.Ringing && _pending2xx is null)
        {
            End(CallEndReason.RemoteCancelled, 487, "caller cancelled");
        }
        return Task.CompletedTask;
    }

    internal Task OnServerInviteFailedAsync(SipServerTransaction tx, SipTransactionError error)
    {
        if (tx == _serverTx && State is CallState.Setup or CallState.Ringing && _pending2xx is null)
        {
            End(CallEndReason.Failed, 408, $"INVITE transaction failed: {error}");
        }
        return Task.CompletedTask;
    }

    // ================================================================ in-dialog requests we receive

    internal async Task OnInDialogRequestAsync(SipServerTransaction tx)
    {
        var request = tx.Request;
        var dialog = _dialog;
        if (dialog is null || dialog.State == DialogState.Terminated || request.To?.Tag != LocalTag || request.From?.Tag != dialog.Id.RemoteTag)
        {
            if (request.From?.Tag is { } t && _extraDialogs.ContainsKey(t) && request.Method == SipMethods.Bye)
            {
                _ua.Respond(tx, 200); // the BYE crossing ours on an extra forked dialog
                return;
            }
            _ua.Respond(tx, 481, "Call/Transaction Does Not Exist");
            return;
        }
        if (!dialog.AcceptRemoteSeq(request.CSeq!.Number))
        {
            _ua.Respond(tx, 500, "CSeq Out of Order"); // §12.2.2
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Bye:
                _ua.Respond(tx, 200);
                End(CallEndReason.RemoteHangup, 0, "remote BYE");
                break;
            case SipMethods.Invite:
                OnReInvite(tx, dialog);
                break;
            case SipMethods.Update:
                if (request.Contacts.Count > 0)
                {
                    dialog.UpdateRemoteTarget(request.Contacts[0].ToString());
                }
                var ok = SipResponseBuilder.CreateResponse(request, 200, null, LocalTag);
                ok.AddContact(_ua.ContactFor(tx.Flow.Protocol, tx.Flow.Remote.Address));
                if (IsSdp(request))
                {
                    RemoteSdp = request.Body;
                    ok.SetBody(LocalSdp, "application/sdp");
                    Emit(new RemoteSdpChanged(request.Body));
                }
                _ua.Respond(tx, ok);
                break;
            case SipMethods.Info:
                OnInfo(tx);
                break;
            case SipMethods.Refer:
                await OnReferAsync(tx, dialog).ConfigureAwait(false);
                break;
            case SipMethods.Notify:
                OnNotify(tx);
                break;
            case SipMethods.Options:
                _ua.RespondToOptions(tx);
                break;
            default:
                var b = SipResponseBuilder.CreateResponse(request, 405);
                b.SetHeader(SipHeaderNames.Allow, SipUserAgent.AllowedMethods);
                _ua.Respond(tx, b);
                break;
        }
    }

    private void OnReInvite(SipServerTransaction tx, Dialog dialog)
    {
        var request = tx.Request;
        if (_pending2xx is not null || _reinviteTx is { HasFinalResponse: false })
        {
            var busy = SipResponseBuilder.CreateResponse(request, 500, "Previous INVITE Pending"); // §14.2
            busy.SetHeader(SipHeaderNames.RetryAfter, "1");
            _ua.Respond(tx, busy);
            return;
        }
        if (_reinvitePending)
        {
            _ua.Respond(tx, 491, "Request Pending"); // §14.2 glare
            return;
        }
        _reinviteTx = tx;
        if (request.Contacts.Count > 0)
        {
            dialog.UpdateRemoteTarget(request.Contacts[0].ToString()); // §12.2.2 target refresh
        }
        var ok = SipResponseBuilder.CreateResponse(request, 200, null, LocalTag);
        ok.AddContact(_ua.ContactFor(tx.Flow.Protocol, tx.Flow.Remote.Address));
        ok.SetHeader(SipHeaderNames.Allow, SipUserAgent.AllowedMethods);
        if (!LocalSdp.IsEmpty)
        {
            ok.SetBody(LocalSdp, "application/sdp");
        }
        var response = ok.Build();
        if (tx.TrySendResponse(response))
        {
            StartRetransmitting(tx, response);
        }
        if (IsSdp(request))
        {
            RemoteSdp = request.Body;
            Emit(new RemoteSdpChanged(request.Body));
        }
    }

    private void OnInfo(SipServerTransaction tx)
    {
        var request = tx.Request;
        _ua.Respond(tx, 200);
        var type = request.ContentType;
        if (type is not null && type.Is("application", "dtmf-relay"))
        {
            if (DtmfRelay.TryParse(request.Body.Span, out var digit, out var ms))
            {
                Emit(new DtmfReceived(digit, ms));
            }
            else
            {
                LogBadResponse(_ua.Logger, CallId, "unreadable dtmf-relay INFO body");
            }
        }
        else if (type is not null && type.Is("application", "dtmf") && request.Body.Length is > 0 and < 8
            && DtmfRelay.TryParse(Encoding.ASCII.GetBytes("Signal=" + Encoding.ASCII.GetString(request.Body.Span).Trim()), out var d, out var dur))
        {
            Emit(new DtmfReceived(d, dur));
        }
        else
        {
            Emit(new InfoReceived(type?.MimeType, request.Body));
        }
    }

    private async Task OnReferAsync(SipServerTransaction tx, Dialog dialog)
    {
        var request = tx.Request;
        if (request.ReferTo is not { } referTo || request.CountHeader(SipHeaderNames.ReferTo) != 1)
        {
            _ua.Respond(tx, SipResponseBuilder.CreateErrorResponse(request, 400, "exactly one Refer-To needed", "telephony"));
            return;
        }
        _ua.Respond(tx, 202, "Accepted");
        ReplacesHeader? replaces = null;
        if (referTo.SipUri is { } target && target.Headers.Get("Replaces") is { } r)
        {
            ReplacesHeader.TryParse(Uri.UnescapeDataString(r), out replaces, out _);
        }
        Emit(new TransferRequested(referTo.Uri is SipUri s ? s.WithoutHeaders().ToString() : referTo.Uri.ToString(), replaces));
        await SendReferNotifyAsync(dialog, 100, "Trying").ConfigureAwait(false); // RFC 3515 §2.4.4: the implicit subscription's first NOTIFY
    }

    private void OnNotify(SipServerTransaction tx)
    {
        var request = tx.Request;
        if (request.Event?.EventType.Equals("refer", StringComparison.OrdinalIgnoreCase) != true)
        {
            _ua.Respond(tx, 489, "Bad Event");
            return;
        }
        _ua.Respond(tx, 200);
        if (SipFrag.TryParseStatus(request.Body.Span, out var code, out var reason))
        {
            bool terminated = request.GetHeader(SipHeaderNames.SubscriptionState)?.TrimStart().StartsWith("terminated", StringComparison.OrdinalIgnoreCase) == true;
            Emit(new TransferProgress(code, reason, code >= 200 || terminated));
        }
    }

    // ================================================================ in-dialog requests we send

    /// <summary>
    /// Ends the call: BYE when established; CANCEL while our INVITE rings (a 2xx that still wins is ACKed and
    /// BYEd); 603 for an incoming call not yet answered; BYE after the ACK if our 2xx is not yet ACKed.
    /// </summary>
    public async Task HangupAsync()
    {
        var pending = await Invoke(async () =>
        {
            switch (State)
            {
                case CallState.Ended:
                    return Task.CompletedTask;
                case CallState.Established:
                    var bye = await TryByeAsync().ConfigureAwait(false);
                    End(CallEndReason.LocalHangup, 0, "hung up");
                    return bye;
                default:
                    if (Direction == CallDirection.Outgoing)
                    {
                        _hangupRequested = true;
                        return _inviteTx is { } tx ? CancelInviteAsync(tx) : Task.CompletedTask;
                    }
                    if (_pending2xx is not null)
                    {
                        _hangupRequested = true; // §15: the callee waits for the ACK before sending BYE
                        return Task.CompletedTask;
                    }
                    _ua.Respond(_serverTx!, CreateInviteResponse(603, "Decline"));
                    End(CallEndReason.Rejected, 603, "declined");
                    return Task.CompletedTask;
            }
        }).ConfigureAwait(false);
        await pending.ConfigureAwait(false);
    }

    /// <summary>Cancels our ringing INVITE (§9.1); the same as <see cref="HangupAsync"/> before the answer.</summary>
    public Task CancelAsync() => HangupAsync();

    /// <summary>Sends a re-INVITE with a new offer (hold, resume, codec change) and returns the final response; a 2xx is ACKed and its SDP becomes <see cref="RemoteSdp"/>.</summary>
    public async Task<SipResponse> ReInviteAsync(ReadOnlyMemory<byte> sdp)
    {
        var (tx, dialog) = await Invoke(async () =>
        {
            var d = RequireEstablished();
            if (_reinvitePending || _pending2xx is not null)
            {
                throw new InvalidOperationException("another INVITE transaction is in progress on this dialog (§14.1)");
            }
            _reinvitePending = true;
            LocalSdp = sdp;
            var t = await StartInDialogAsync(d, SipMethods.Invite, b =>
            {
                b.AddContact(_ua.ContactFor(DestinationProtocol(d)));
                b.SetHeader(SipHeaderNames.Allow, SipUserAgent.AllowedMethods);
            }, sdp, "application/sdp").ConfigureAwait(false);
            return (t, d);
        }).ConfigureAwait(false);
        var response = await tx.FinalResponse.ConfigureAwait(false);
        await Invoke(async () =>
        {
            _reinvitePending = false;
            if (response.IsSuccess && response.To?.Tag is { } tag && State != CallState.Ended)
            {
                if (response.Contacts.Count > 0)
                {
                    dialog.UpdateRemoteTarget(response.Contacts[0].ToString());
                }
                var ack = BuildInDialog(dialog, SipMethods.Ack, response.CSeq!.Number).Build();
                _acks[(tag, response.CSeq.Number)] = ack;
                await SendAckAsync(ack).ConfigureAwait(false);
                if (IsSdp(response))
                {
                    RemoteSdp = response.Body;
                    Emit(new RemoteSdpChanged(response.Body));
                }
            }
            return true;
        }).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Sends UPDATE (RFC 3311) as a target refresh, with a new offer when <paramref name="sdp"/> is not empty;
    /// a 2xx updates the remote target and, with a body, <see cref="RemoteSdp"/>. Returns the final response.
    /// </summary>
    public async Task<SipResponse> UpdateAsync(ReadOnlyMemory<byte> sdp = default)
    {
        var (tx, dialog) = await Invoke(async () =>
        {
            var d = RequireEstablished();
            if (!sdp.IsEmpty)
            {
                LocalSdp = sdp;
            }
            var t = await StartInDialogAsync(d, SipMethods.Update, b => b.AddContact(_ua.ContactFor(DestinationProtocol(d))), sdp, "application/sdp").ConfigureAwait(false);
            return (t, d);
        }).ConfigureAwait(false);
        var response = await tx.FinalResponse.ConfigureAwait(false);
        await Invoke(() =>
        {
            if (response.IsSuccess && State != CallState.Ended)
            {
                if (response.Contacts.Count > 0)
                {
                    dialog.UpdateRemoteTarget(response.Contacts[0].ToString());
                }
                if (IsSdp(response))
                {
                    RemoteSdp = response.Body;
                    Emit(new RemoteSdpChanged(response.Body));
                }
            }
            return Task.FromResult(true);
        }).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Asks the peer to call <paramref name="referTo"/> (REFER, RFC 3515); with <paramref name="replacing"/> an
    /// attended transfer: the Refer-To carries Replaces naming that call's dialog (RFC 3891). Progress arrives
    /// as <see cref="TransferProgress"/> events. Returns the REFER's final response (202 when accepted).
    /// </summary>
    public async Task<SipResponse> ReferAsync(string referTo, SipCall? replacing = null)
    {
        string value;
        if (replacing is null)
        {
            value = $"<{AddressUri.Parse(referTo)}>";
        }
        else
        {
            var remoteTag = replacing.RemoteTag ?? throw new InvalidOperationException("the call to replace has no dialog");
            // RFC 3891 §3: to-tag / from-tag as the transfer target sees the dialog.
            var replaces = $"{replacing.CallId};to-tag={remoteTag};from-tag={replacing.LocalTag}";
            value = $"<{AddressUri.Parse(referTo)}?Replaces={EscapeUriHeader(replaces)}>";
        }
        var tx = await Invoke(() =>
        {
            var d = RequireEstablished();
            return StartInDialogAsync(d, SipMethods.Refer, b =>
            {
                b.SetHeader(SipHeaderNames.ReferTo, value);
                b.SetHeader(SipHeaderNames.ReferredBy, $"<{_ua.LocalAddress.Uri}>");
                b.AddContact(_ua.ContactFor(DestinationProtocol(d)));
            }, default, null);
        }).ConfigureAwait(false);
        return await tx.FinalResponse.ConfigureAwait(false);
    }

    /// <summary>Reports how a transfer we were asked to make went (NOTIFY with a sipfrag; a final status ends the subscription).</summary>
    public Task NotifyTransferResultAsync(int statusCode, string? reason = null) => Invoke(async () =>
    {
        var d = _dialog ?? throw new InvalidOperationException("no dialog");
        await SendReferNotifyAsync(d, statusCode, reason ?? SipReasonPhrases.Get(statusCode)).ConfigureAwait(false);
        return true;
    });

    private async Task SendReferNotifyAsync(Dialog dialog, int statusCode, string reason)
    {
        if (dialog.State == DialogState.Terminated)
        {
            return;
        }
        try
        {
            await StartInDialogAsync(dialog, SipMethods.Notify, b =>
            {
                b.SetHeader(SipHeaderNames.Event, "refer");
                b.SetHeader(SipHeaderNames.SubscriptionState, statusCode >= 200 ? "terminated;reason=noresource" : "active;expires=60");
                b.AddContact(_ua.ContactFor(DestinationProtocol(dialog)));
            }, SipFrag.Format(statusCode, reason), SipFrag.ContentType).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SipTransportException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogSendFailed(_ua.Logger, CallId, "NOTIFY", e.Message);
        }
    }

    /// <summary>Sends INFO with a body and returns the final response.</summary>
    public async Task<SipResponse> SendInfoAsync(string contentType, ReadOnlyMemory<byte> body)
    {
        var tx = await Invoke(() => StartInDialogAsync(RequireEstablished(), SipMethods.Info, null, body, contentType)).ConfigureAwait(false);
        return await tx.FinalResponse.ConfigureAwait(false);
    }

    /// <summary>Sends a DTMF digit as INFO <c>application/dtmf-relay</c>.</summary>
    public Task<SipResponse> SendDtmfAsync(char digit, int durationMs = 160) => SendInfoAsync(DtmfRelay.ContentType, DtmfRelay.Format(digit, durationMs));

    private Dialog RequireEstablished() =>
        State == CallState.Established && _dialog is { } d ? d : throw new InvalidOperationException($"the call is not established ({State})");

    private async Task<Task> TryByeAsync(Dialog? dialog = null)
    {
        dialog ??= _dialog;
        if (dialog is null || dialog.State == DialogState.Terminated)
        {
            return Task.CompletedTask;
        }
        try
        {
            var tx = await StartInDialogAsync(dialog, SipMethods.Bye, null, default, null).ConfigureAwait(false);
            dialog.Terminate();
            return tx.FinalResponse;
        }
        catch (Exception e) when (e is SipTransportException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogSendFailed(_ua.Logger, CallId, "BYE", e.Message);
            dialog.Terminate();
            return Task.CompletedTask;
        }
    }

    private async Task<SipClientTransaction> StartInDialogAsync(Dialog dialog, string method, Action<SipRequestBuilder>? configure, ReadOnlyMemory<byte> body, string? contentType)
    {
        var b = BuildInDialog(dialog, method, dialog.NextLocalSeq());
        configure?.Invoke(b);
        if (!body.IsEmpty)
        {
            b.SetBody(body, contentType);
        }
        var request = b.Build();
        var destination = await UaDestinations.ResolveAsync(NextHopOf(request), _ua.Options.DefaultTransport).ConfigureAwait(false);
        return await _ua.Endpoint.StartRequestAsync(request, destination).ConfigureAwait(false);
    }

    /// <summary>§12.2.1.1: Request-URI, Route set, From/To with tags, Call-ID, CSeq.</summary>
    private SipRequestBuilder BuildInDialog(Dialog dialog, string method, uint cseq)
    {
        var target = dialog.ComputeRequestTarget();
        var b = new SipRequestBuilder(method, AddressUri.Parse(target.RequestUri));
        b.SetFrom(NameAddress.Parse(dialog.LocalUri).WithTag(dialog.Id.LocalTag));
        b.SetTo(NameAddress.Parse(dialog.RemoteUri).WithTag(dialog.Id.RemoteTag));
        b.SetCallId(CallId);
        b.SetCSeq(cseq, method);
        b.SetMaxForwards(70);
        foreach (var route in target.Routes)
        {
            b.AddHeader(SipHeaderNames.Route, route);
        }
        if (method != SipMethods.Ack)
        {
            b.SetHeader(SipHeaderNames.UserAgent, _ua.Options.Product);
        }
        return b;
    }

    private SipTransportProtocol DestinationProtocol(Dialog dialog)
    {
        var hop = dialog.ComputeRequestTarget().NextHop;
        return SipUri.TryParse(hop, out var uri, out _) && uri!.Transport is { } t && SipTransportProtocolExtensions.TryParseViaToken(t, out var p)
            ? p
            : Direction == CallDirection.Incoming ? _serverTx!.Flow.Protocol : _destination.Protocol;
    }

    internal async Task AbortAsync()
    {
        if (State == CallState.Established)
        {
            await TryByeAsync().ConfigureAwait(false);
        }
        End(CallEndReason.Failed, 503, "user agent shut down");
    }

    // ================================================================ helpers

    private string LocalAddressText() => _invite.From!.WithoutParameter("tag").ToString();

    private string RemoteAddressText() => _invite.To!.WithoutParameter("tag").ToString();

    private static IEnumerable<string> RecordRoutes(SipMessage message) => message.GetHeaderLines(SipHeaderNames.RecordRoute);

    private static bool IsSdp(SipMessage message) => !message.Body.IsEmpty && message.ContentType?.Is("application", "sdp") == true;

    /// <summary>Escapes a value for a URI header (RFC 3261 §25.1 hnv-unreserved / unreserved; everything else %XX).</summary>
    internal static string EscapeUriHeader(string value)
    {
        var sb = new StringBuilder(value.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()[]/?:+$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {CallId}: event after the call closed dropped")]
    private static partial void LogLateEvent(ILogger logger, string callId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId}: handling an event failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception e, string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: event buffer full, oldest event dropped for {Event}")]
    private static partial void LogEventDropped(ILogger logger, string callId, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ended: {Reason} {Code} {Detail}")]
    private static partial void LogEnded(ILogger logger, string callId, CallEndReason reason, int code, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: extra 2xx from fork {Tag}: ACK and BYE")]
    private static partial void LogExtraDialog(ILogger logger, string callId, string tag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: {Problem}")]
    private static partial void LogBadResponse(ILogger logger, string callId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: sending {Method} failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string callId, string method, string reason);
}
