using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

// The outgoing call (UAC, §13.2): sending the INVITE, provisional and final responses, the ACK for
// each 2xx (§13.2.2.4, forks included), the digest retry and CANCEL (§9.1).
public sealed partial class SipCall
{
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
                _ua.Logger.CallBadMessage(CallId, "2xx without Contact");
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
        _ua.Logger.CallExtraDialog(CallId, tag);
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
            var destination = await InDialogDestinationAsync(ack).ConfigureAwait(false);
            await _ua.Endpoint.SendStatelessAsync(ack, destination).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSendFailure(e))
        {
            _ua.Logger.CallSendFailed(CallId, "ACK", e.Message);
        }
    }

    private static AddressUri NextHopOf(SipRequest request) =>
        request.Routes.Count > 0 && request.Routes[0].SipUri is { LooseRouting: true } first ? first : request.RequestUri;

    /// <summary>
    /// Where a request inside the dialog goes: its next hop (§12.2.1.1), or — with no Route set, over TCP or TLS — the
    /// connection the dialog was set up on when it is still open and leads to the same host as the remote target. A
    /// phone reached over the connection it opened (it registered on it, or called us on it) cannot take a new one:
    /// its Contact's port is where it would listen, and without a certificate it accepts no TLS (RFC 5923 §1's case).
    /// </summary>
    private async ValueTask<SipDestination> InDialogDestinationAsync(SipRequest request)
    {
        var resolved = await UaDestinations.ResolveAsync(NextHopOf(request), _ua.Options.DefaultTransport).ConfigureAwait(false);
        return request.Routes.Count == 0
            && DialogConnection is { } flow
            && flow.Protocol == resolved.Protocol
            && flow.EndPoint.Address.Equals(resolved.EndPoint.Address)
            && !_ua.Endpoint.HasOpenConnection(resolved)
            && _ua.Endpoint.HasOpenConnection(flow)
            ? flow
            : resolved;
    }

    /// <summary>The TCP/TLS connection the call was set up over: the caller's own (incoming), or the one our INVITE used.</summary>
    private SipDestination? DialogConnection => Direction == CallDirection.Incoming
        ? _serverTx!.Flow is { Protocol: SipTransportProtocol.Tcp or SipTransportProtocol.Tls, Remote: { } remote } flow ? new SipDestination(flow.Protocol, remote) : null
        : _destination.Protocol is SipTransportProtocol.Tcp or SipTransportProtocol.Tls ? _destination : null;

    private async Task CancelInviteAsync(SipClientTransaction tx)
    {
        try
        {
            await _ua.Endpoint.CancelAsync(tx).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SipTransportException or InvalidOperationException or OperationCanceledException)
        {
            _ua.Logger.CallSendFailed(CallId, "CANCEL", e.Message);
        }
    }
}
