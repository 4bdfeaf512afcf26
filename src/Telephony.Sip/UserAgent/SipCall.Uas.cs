using System.Globalization;
using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;

namespace Telephony.Sip.UserAgent;

// The incoming call (UAS, §13.3): ringing, answering and refusing, the 2xx retransmitted until the
// ACK (§13.3.1.4), and a CANCEL or a failed INVITE transaction before the answer.
public sealed partial class SipCall
{
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

    /// <summary>Refuses an incoming call with a final status (486 Busy Here, 603 Decline, 480 …); with <paramref name="retryAfter"/>, says when to try again (Retry-After, RFC 3261 §20.33, as a 503 for overload should: §21.5.4).</summary>
    public Task RejectAsync(int statusCode = 486, string? reason = null, TimeSpan? retryAfter = null) =>
        RejectAsync(statusCode, reason, warning: null, retryAfter);

    /// <summary>
    /// Refuses an incoming call with a final status and a Warning header (RFC 3261 §20.43, e.g. from
    /// <see cref="SipWarning.Format"/>: why a 488's offer could not be used), and optionally a Retry-After.
    /// </summary>
    public Task RejectAsync(int statusCode, string? reason, string? warning, TimeSpan? retryAfter = null) => Invoke(() =>
    {
        RequireIncomingUnanswered();
        if (statusCode < 300)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "a final error status (300-699) is needed");
        }
        var response = CreateInviteResponse(statusCode, reason);
        if (warning is not null)
        {
            response.SetHeader(SipHeaderNames.Warning, warning);
        }
        if (retryAfter is { } after)
        {
            response.SetHeader(SipHeaderNames.RetryAfter, ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture)); // §20.33
        }
        _ua.Respond(_serverTx!, response);
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
            b.AddContact(_ua.ContactFor(_serverTx!.Flow.Protocol, _serverTx.Flow.Remote.Address, _invite.RequestUri is SipUri { IsSecure: true }));
        }
        _ua.StampProduct(b, SipHeaderNames.Server);
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
        ScheduleRetransmit(generation, _ua.T1, TimeSpan.Zero);
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
        if (total >= 64 * _ua.T1)
        {
            return OnAckTimeoutAsync();
        }
        var next = interval + interval < _ua.T2 ? interval + interval : _ua.T2;
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
}
