using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;

namespace Telephony.Sip.UserAgent;

// In-dialog requests we send (§12.2.1): hang-up, re-INVITE, UPDATE, REFER, NOTIFY, INFO, and how each is
// built (§12.2.1.1) and routed.
public sealed partial class SipCall
{
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
                b.AddContact(InDialogContact(d));
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
                RefreshTarget(dialog, response);
                var ack = BuildInDialog(dialog, SipMethods.Ack, response.CSeq!.Number).Build();
                _acks[(tag, response.CSeq.Number)] = ack;
                await SendAckAsync(ack).ConfigureAwait(false);
                TakeRemoteSdp(response);
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
            var t = await StartInDialogAsync(d, SipMethods.Update, b => b.AddContact(InDialogContact(d)), sdp, "application/sdp").ConfigureAwait(false);
            return (t, d);
        }).ConfigureAwait(false);
        var response = await tx.FinalResponse.ConfigureAwait(false);
        await Invoke(() =>
        {
            if (response.IsSuccess && State != CallState.Ended)
            {
                RefreshTarget(dialog, response);
                TakeRemoteSdp(response);
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
                b.AddContact(InDialogContact(d));
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
                b.AddContact(InDialogContact(dialog));
            }, SipFrag.Format(statusCode, reason), SipFrag.ContentType).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSendFailure(e))
        {
            _ua.Logger.CallSendFailed(CallId, "NOTIFY", e.Message);
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
        catch (Exception e) when (IsSendFailure(e))
        {
            _ua.Logger.CallSendFailed(CallId, "BYE", e.Message);
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
        var destination = await InDialogDestinationAsync(request).ConfigureAwait(false);
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
            _ua.StampProduct(b, SipHeaderNames.UserAgent);
        }
        return b;
    }

    /// <summary>Our Contact for an in-dialog request: on the transport the next hop names, else the one the call began on.</summary>
    private NameAddress InDialogContact(Dialog dialog) =>
        _ua.ContactForNextHop(dialog.ComputeRequestTarget().NextHop,
            Direction == CallDirection.Incoming ? _serverTx!.Flow.Protocol : _destination.Protocol);

    internal async Task AbortAsync()
    {
        if (State == CallState.Established)
        {
            await TryByeAsync().ConfigureAwait(false);
        }
        End(CallEndReason.Failed, 503, "user agent shut down");
    }
}
