using System.Globalization;
using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

// What the endpoint hands us as its transaction user (§8.2): out-of-dialog requests, incoming INVITEs,
// and the in-dialog requests, ACKs, CANCELs and stray 2xx routed to their call.
public sealed partial class SipUserAgent
{
    /// <summary>The §8.2 checks applied to every request before it is handled (what we support).</summary>
    public static UasPolicy Policy { get; } = new()
    {
        Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "replaces" },
        AcceptedContentTypes = ["application/sdp", DtmfRelay.ContentType, "application/dtmf", SipFrag.ContentType, "text/plain"],
        WarnAgent = "telephony",
    };

    /// <inheritdoc />
    public void OnRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        if (request.Method == SipMethods.Invite && request.To?.Tag is null
            && (LiveIncomingCalls >= Options.MaxCalls || HasCapacity?.Invoke() == false || _refused.Contains(request)))
        {
            RefuseOverloaded(transaction); // first: the cheapest answer, before any check or per-call work
            return;
        }
        var verdict = UasRequestCheck.Check(request, Policy);
        if (!verdict.IsAccepted)
        {
            if (Endpoint.MayLogRejection(transaction.Flow.Remote.Address))
            {
                Logger.RequestRefused(request.Method, verdict.ToString());
            }
            if (verdict.CanRespond && verdict.CreateResponse(request, Policy.WarnAgent) is { } refusal)
            {
                Respond(transaction, refusal);
            }
            return;
        }
        if (request.To?.Tag is not null)
        {
            if (_calls.TryGetValue(request.CallId ?? string.Empty, out var call))
            {
                call.Post(() => call.OnInDialogRequestAsync(transaction));
            }
            else
            {
                Respond(transaction, 481, "Call/Transaction Does Not Exist");
            }
            return;
        }
        if (request.Method == SipMethods.Cancel)
        {
            Respond(transaction, 481, "Call/Transaction Does Not Exist"); // a CANCEL the layer could not match
            return;
        }
        if (RequestFilter is { } filter && filter(transaction))
        {
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Invite:
                AcceptIncomingInvite(transaction);
                break;
            case SipMethods.Options:
                RespondToOptions(transaction);
                break;
            default:
                var b = SipResponseBuilder.CreateResponse(request, 405);
                b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
                Respond(transaction, b);
                break;
        }
    }

    /// <summary>Answers OPTIONS with 200 and our capabilities (§11.2).</summary>
    public void RespondToOptions(SipServerTransaction transaction)
    {
        var b = SipResponseBuilder.CreateResponse(transaction.Request, 200);
        b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
        b.SetHeader(SipHeaderNames.Accept, "application/sdp, application/dtmf-relay, message/sipfrag");
        b.SetHeader(SipHeaderNames.Supported, "replaces");
        StampProduct(b, SipHeaderNames.Server);
        Respond(transaction, b);
    }

    /// <summary>Turns an out-of-dialog INVITE into an incoming <see cref="SipCall"/> on <see cref="IncomingCalls"/>.</summary>
    public void AcceptIncomingInvite(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        var replaces = request.Replaces;
        SipCall? replaced = null;
        if (request.HasHeader(SipHeaderNames.Replaces))
        {
            // RFC 3891 §3: the Replaces names the dialog from the sender's view: to-tag is our local tag.
            replaced = replaces is null ? null : FindCall(replaces.CallId, replaces.ToTag, replaces.FromTag);
            if (replaced is null)
            {
                Respond(transaction, 481, "Call/Transaction Does Not Exist");
                return;
            }
        }
        if (request.Contacts.Count == 0)
        {
            Respond(transaction, SipResponseBuilder.CreateErrorResponse(request, 400, "Contact missing", "telephony"));
            return;
        }
        if (!TryClaimCallSlot())
        {
            RefuseOverloaded(transaction);
            return;
        }
        var call = new SipCall(this, transaction, replaced); // holds the slot until it ends (or is closed)
        if (!_calls.TryAdd(call.CallId, call))
        {
            call.Close();
            Respond(transaction, 482, "Loop Detected"); // a second INVITE with a Call-ID in use (merged request, §8.2.2.2)
            return;
        }
        if (!_incoming.Writer.TryWrite(call))
        {
            call.Close();
            RefuseOverloaded(transaction, acceptQueueFull: true); // the application is not keeping up: overload, not a busy callee (not 486)
        }
        else if (_incoming.Reader.Count > 1 && transaction is InviteServerTransaction invite)
        {
            // Other INVITEs wait before this one, so the application is behind and will not answer within the 200 ms
            // of §17.2.1. Say Trying now, on the receive path: the caller stops retransmitting (Timer A, §17.1.1.2)
            // whatever the backlog costs, rather than when the Trying timer gets its turn on the same busy threads.
            invite.SendTryingNow();
        }
    }

    /// <summary>Counts a new live incoming call; false (and nothing counted) when <see cref="SipUserAgentOptions.MaxCalls"/> are live.</summary>
    private bool TryClaimCallSlot()
    {
        if (Interlocked.Increment(ref _liveIncoming) <= Options.MaxCalls)
        {
            return true;
        }
        Interlocked.Decrement(ref _liveIncoming);
        return false;
    }

    /// <summary>An incoming call ended (or was discarded): its slot is free at once, while the call stays reachable for 64·T1.</summary>
    internal void ReleaseCallSlot() => Interlocked.Decrement(ref _liveIncoming);

    /// <summary>
    /// §21.5.4 503 with Retry-After (§20.33), sent statelessly (§8.2.6): under overload the refusal must cost
    /// less than the call would have, so no transaction state is kept for it (no 503 retransmissions, no Timer H)
    /// and no <see cref="SipCall"/> is created. A lost 503 costs the caller one INVITE retransmission, answered alike.
    /// </summary>
    private void RefuseOverloaded(SipServerTransaction transaction, bool acceptQueueFull = false)
    {
        Interlocked.Increment(ref _overloadRefusals);
        _refused.Remember(transaction.Request);
        var refusal = SipResponseBuilder.CreateResponse(transaction.Request, 503);
        refusal.SetHeader(SipHeaderNames.RetryAfter, OverloadRetryAfterText());
        StampProduct(refusal, SipHeaderNames.Server);
        if (Endpoint.MayLogRejection(transaction.Flow.Remote.Address))
        {
            if (acceptQueueFull)
            {
                // Not a capacity limit: the calls already let in wait for the application to answer them.
                Logger.CallRefusedAcceptQueueFull(_incoming.Reader.Count, LiveIncomingCalls, transaction.Flow.Remote.Address);
            }
            else if (LiveIncomingCalls >= Options.MaxCalls)
            {
                Logger.CallRefusedOverloaded(LiveIncomingCalls, Options.MaxCalls, transaction.Flow.Remote.Address);
            }
            else
            {
                Logger.CallRefusedNoCapacity(LiveIncomingCalls, transaction.Flow.Remote.Address);
            }
        }
        RespondStatelessly(transaction, refusal);
        OverloadRefused?.Invoke(transaction);
    }

    // The Retry-After value of every overload refusal: formatted once per configured value, not once per refused INVITE
    // (a reference, so a thread never sees one field of a pair updated by another).
    private string OverloadRetryAfterText()
    {
        long seconds = (long)Options.OverloadRetryAfter.TotalSeconds;
        var cached = Volatile.Read(ref _retryAfterText);
        if (cached is null || cached.Seconds != seconds)
        {
            cached = new RetryAfterText(seconds, seconds.ToString(CultureInfo.InvariantCulture));
            Volatile.Write(ref _retryAfterText, cached);
        }
        return cached.Text;
    }

    private sealed record RetryAfterText(long Seconds, string Text);

    // INVITEs refused statelessly lately: a retransmission of one (§17.1.1.2, sent before our 503 reached the caller)
    // is refused again even when a port pair or slot has freed since, as a 503 kept in a transaction would have been
    // (§17.2.1). Answering it instead gave the caller a 503 and a 200 for one INVITE (issue 10: 760 in a 30-s run).
    private readonly RecentRefusals _refused = new();

    private RetryAfterText? _retryAfterText;

    /// <inheritdoc />
    public void OnAck(SipRequest ack, SipFlow flow, SipServerTransaction? transaction) =>
        PostToCall(ack.CallId, call => call.OnAckAsync(ack));

    /// <inheritdoc />
    public void OnCancel(SipServerTransaction invite, SipRequest cancel) =>
        PostToCall(invite.Request.CallId, call => call.OnRemoteCancelAsync());

    /// <inheritdoc />
    public void OnStrayResponse(SipResponse response, SipFlow flow, SipClientTransaction? transaction)
    {
        if (response.IsSuccess && response.CSeq?.Method == SipMethods.Invite)
        {
            PostToCall(response.CallId, call => call.OnInviteSuccessAsync(response));
        }
    }

    /// <inheritdoc />
    public void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error)
    {
        if (transaction.IsInvite)
        {
            PostToCall(transaction.Request.CallId, call => call.OnServerInviteFailedAsync(transaction, error));
        }
    }

    /// <summary>Hands work to the mailbox of the call with <paramref name="callId"/>; nothing when there is no such call.</summary>
    private void PostToCall(string? callId, Func<SipCall, Task> work)
    {
        if (_calls.TryGetValue(callId ?? string.Empty, out var call))
        {
            call.Post(() => work(call));
        }
    }
}
