using System.Globalization;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Registrar;
using Telephony.Sip.Transactions;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Sip;

/// <summary>
/// What the server does with out-of-dialog requests: OPTIONS is answered for everyone; REGISTER
/// (seats only, each for its own AOR) goes to the registrar; INVITE to a public service number is
/// taken by the call manager when it comes from a trunk (the gate's one decision), to a seat it needs a seat's credentials. Unauthenticated senders get
/// the same challenge whatever the target, so seats cannot be enumerated. The failure that triggers a ban gets 403;
/// after that the endpoint's admission check (set up by <see cref="SipServerHost"/>) drops the source's requests unanswered.
/// </summary>
public sealed class SipRequestRouter(
    SipUserAgent ua, SipAccessGate gate, SipRegistrar registrar, ILocationStore locations, SeatDirectory seats,
    SipServerOptions options, ILogger<SipRequestRouter> logger, Telephony.Calls.NodeDrain? drain = null)
{
    /// <summary>The Retry-After of the drain's 503: long enough for a restart, short enough that a caller's retry finds a node.</summary>
    public const int DrainRetryAfterSeconds = 30;

    /// <summary>The canonical address-of-record of a seat.</summary>
    public string AorOf(string extension) => $"sip:{extension}@{options.Domain}";

    /// <summary>Handles one out-of-dialog request; always true (the server answers everything itself).</summary>
    public bool Handle(SipServerTransaction transaction)
    {
        _ = HandleAsync(transaction);
        return true;
    }

    private async Task HandleAsync(SipServerTransaction tx)
    {
        var request = tx.Request;
        try
        {
            var targetUser = (request.RequestUri as SipUri)?.User;
            var decision = gate.Check(request.Method, targetUser, tx.Flow.Remote.Address,
                request.GetHeaderLines(SipHeaderNames.Authorization), request.GetHeaderLines(SipHeaderNames.ProxyAuthorization));
            switch (decision.Action)
            {
                case GateAction.Banned:
                    Refuse(tx, SipResponseBuilder.CreateResponse(request, 403, "Forbidden"));
                    return;
                case GateAction.NotATrunk:
                    Refuse(tx, SipResponseBuilder.CreateResponse(request, 403, "Forbidden (not a trunk)"));
                    return;
                case GateAction.ServiceCall when drain?.IsDraining == true:
                    RefuseDraining(tx);
                    return;
                case GateAction.ServiceCall:
                    ua.AcceptIncomingInvite(tx); // the call manager takes it from the UA's incoming calls
                    return;
                case GateAction.Challenge:
                    var challenge = SipResponseBuilder.CreateResponse(request, decision.UseWwwAuthenticate ? 401 : 407);
                    foreach (var c in decision.Challenges)
                    {
                        challenge.AddHeader(decision.UseWwwAuthenticate ? SipHeaderNames.WwwAuthenticate : SipHeaderNames.ProxyAuthenticate, c.ToString());
                    }
                    Refuse(tx, challenge);
                    return;
            }
            switch (request.Method)
            {
                case SipMethods.Options when drain?.IsDraining == true:
                    // The dispatcher in front probes with OPTIONS (deploy/kamailio): a 503 takes this node out of its set,
                    // so citizens' calls stop arriving here rather than each being refused and retried elsewhere.
                    ua.Respond(tx, 503, "Service Unavailable (draining)");
                    break;
                case SipMethods.Options:
                    ua.RespondToOptions(tx);
                    break;
                case SipMethods.Register:
                    await RegisterAsync(tx, decision.Username!).ConfigureAwait(false);
                    break;
                case SipMethods.Invite:
                    await RouteInviteAsync(tx, targetUser, decision.Username).ConfigureAwait(false);
                    break;
                default:
                    var notAllowed = SipResponseBuilder.CreateResponse(request, 405);
                    notAllowed.SetHeader(SipHeaderNames.Allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
                    ua.Respond(tx, notAllowed);
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SipHostLog.RequestFailed(logger, e, request.Method);
            ua.Respond(tx, 500, "Server Internal Error");
        }
    }

    /// <summary>
    /// A citizen's call while the node drains: 503 with Retry-After (RFC 3261 §21.5.4, §20.33), stateless like the
    /// overload refusal, so a dispatcher in front fails over to another node at once and nothing is kept for it.
    /// </summary>
    private void RefuseDraining(SipServerTransaction tx)
    {
        drain!.CountRefusal();
        var refusal = SipResponseBuilder.CreateResponse(tx.Request, 503, "Service Unavailable (draining)");
        refusal.SetHeader(SipHeaderNames.RetryAfter, DrainRetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        if (ua.Endpoint.MayLogRejection(tx.Flow.Remote.Address))
        {
            SipHostLog.DrainRefused(logger, tx.Flow.Remote.Address);
        }
        ua.RespondStatelessly(tx, refusal);
    }

    /// <summary>
    /// The gate's refusals and challenges. An INVITE's are answered statelessly (§8.2.6): the source may be forged,
    /// and a stateful 407 to an INVITE is retransmitted 11 times over 32 s (Timer G until Timer H) to whoever it names.
    /// A non-INVITE's final response is never retransmitted by us, so it keeps its transaction (which absorbs retransmissions).
    /// </summary>
    private void Refuse(SipServerTransaction tx, SipResponseBuilder response)
    {
        if (tx.IsInvite)
        {
            ua.RespondStatelessly(tx, response);
        }
        else
        {
            ua.Respond(tx, response);
        }
    }

    private async Task RegisterAsync(SipServerTransaction tx, string username)
    {
        var request = tx.Request;
        // §10.3 steps 5: a seat may register only its own address-of-record (the To user).
        if ((request.To?.Uri as SipUri)?.User is not { } aorUser || aorUser != username)
        {
            SipHostLog.ForeignAor(logger, username, request.To?.ToString());
            ua.Respond(tx, 403, "Forbidden (not your address-of-record)");
            return;
        }
        var source = Binding.SourceText(tx.Flow.Protocol, tx.Flow.Remote);
        var response = await registrar.RegisterAsync(request, AorOf(username), source).ConfigureAwait(false);
        ua.Respond(tx, response);
        SipHostLog.Registered(logger, username, response.StatusCode, source);
    }

    private async Task RouteInviteAsync(SipServerTransaction tx, string? targetUser, string? caller)
    {
        if (targetUser is null || !seats.Contains(targetUser))
        {
            ua.Respond(tx, 404, "Not Found");
            return;
        }
        var bindings = await locations.GetBindingsAsync(AorOf(targetUser)).ConfigureAwait(false);
        if (bindings.Count == 0)
        {
            ua.Respond(tx, 480, "Temporarily Unavailable");
            return;
        }
        // Until the call manager bridges calls, a seat-to-seat call is redirected to the registered contacts (§8.3).
        var redirect = SipResponseBuilder.CreateResponse(tx.Request, 302, "Moved Temporarily");
        foreach (var b in bindings)
        {
            redirect.AddHeader(SipHeaderNames.Contact, $"<{b.ContactUri}>");
        }
        ua.Respond(tx, redirect);
        SipHostLog.Redirected(logger, caller, targetUser, bindings.Count);
    }
}
