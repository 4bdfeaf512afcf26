using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;

namespace Telephony.Sip.UserAgent;

// In-dialog requests the peer sends us (§12.2.2): BYE, re-INVITE, UPDATE, INFO (DTMF), REFER and its NOTIFYs.
public sealed partial class SipCall
{
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
                RefreshTarget(dialog, request);
                var ok = CreateInDialogOk(tx);
                if (TakeRemoteSdp(request))
                {
                    ok.SetBody(LocalSdp, "application/sdp");
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
        RefreshTarget(dialog, request);
        var ok = CreateInDialogOk(tx);
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
        TakeRemoteSdp(request);
    }

    /// <summary>A 200 to an in-dialog request, with our tag and a Contact for the flow it came on (§12.2.2).</summary>
    private SipResponseBuilder CreateInDialogOk(SipServerTransaction tx)
    {
        var ok = SipResponseBuilder.CreateResponse(tx.Request, 200, null, LocalTag);
        ok.AddContact(_ua.ContactFor(tx.Flow.Protocol, tx.Flow.Remote.Address, tx.Request.RequestUri is SipUri { IsSecure: true }));
        return ok;
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
                _ua.Logger.CallBadMessage(CallId, "unreadable dtmf-relay INFO body");
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
        if (!_ua.Options.AcceptTransfers)
        {
            // RFC 3515 §2.4.2 leaves refusing a REFER to the recipient's policy. 603 Decline (§21.6.2: the request was
            // understood and is refused) rather than 501, which would say REFER is unknown while our Allow lists it;
            // and never 202, which promises NOTIFYs with the transfer's outcome that would never come.
            _ua.Respond(tx, 603, "Decline (transfers are not carried out here)");
            return;
        }
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
}
