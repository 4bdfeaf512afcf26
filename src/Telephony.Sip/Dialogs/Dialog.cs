namespace Telephony.Sip.Dialogs;

/// <summary>Where to send an in-dialog request (RFC 3261 §12.2.1.1).</summary>
/// <param name="RequestUri">The Request-URI.</param>
/// <param name="Routes">Route header values, in order.</param>
/// <param name="NextHop">The URI to resolve and send to (§8.1.2): the first Route, or the Request-URI.</param>
public sealed record DialogRequestTarget(string RequestUri, IReadOnlyList<string> Routes, string NextHop);

/// <summary>
/// The state of one dialog (RFC 3261 §12): identifiers, local/remote URIs and sequence numbers,
/// remote target, route set, and the early → confirmed → terminated life. Not thread-safe on
/// purpose: a dialog belongs to one call, and one call is handled by one mailbox loop.
/// </summary>
public sealed class Dialog
{
    /// <summary>Call-ID and tags.</summary>
    public DialogId Id { get; }

    /// <summary>True when this side sent the request that created the dialog.</summary>
    public bool IsUac { get; }

    /// <summary>The local URI (From for the UAC, To for the UAS), as a name-addr or URI.</summary>
    public string LocalUri { get; }

    /// <summary>The remote URI.</summary>
    public string RemoteUri { get; }

    /// <summary>The peer's Contact URI: the Request-URI of in-dialog requests; changed by target refreshes.</summary>
    public string RemoteTarget { get; private set; }

    /// <summary>The route set, in the order in which requests traverse it.</summary>
    public IReadOnlyList<RouteEntry> RouteSet { get; private set; }

    /// <summary>The CSeq number of the last request this side sent in the dialog.</summary>
    public uint LocalSeq { get; private set; }

    /// <summary>The CSeq number of the last request the peer sent (null until it sends one, §12.1.2).</summary>
    public uint? RemoteSeq { get; private set; }

    /// <summary>True when the dialog was created over sips/TLS.</summary>
    public bool Secure { get; }

    /// <summary>Early, confirmed or terminated.</summary>
    public DialogState State { get; private set; }

    // The one constructor, private: a dialog starts only as §12.1.1 or §12.1.2 say (the two factories below).
    private Dialog(DialogId id, bool isUac, string localUri, string remoteUri, string remoteTarget,
        IReadOnlyList<RouteEntry> routeSet, uint localSeq, uint? remoteSeq, bool secure, DialogState state)
    {
        Id = id;
        IsUac = isUac;
        LocalUri = localUri;
        RemoteUri = remoteUri;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalSeq = localSeq;
        RemoteSeq = remoteSeq;
        Secure = secure;
        State = state;
    }

    /// <summary>
    /// UAC side (§12.1.2): a dialog from a 1xx (with To tag) or 2xx to our INVITE. The route set is the
    /// response's Record-Route values in <b>reverse</b> order; the remote target its Contact.
    /// </summary>
    public static Dialog CreateAsUac(string callId, string localTag, string remoteTag, string localUri, string remoteUri,
        uint localSeq, int statusCode, string remoteContact, IEnumerable<string> recordRoutes, bool secure = false)
    {
        var routes = RouteEntry.Split(recordRoutes);
        routes.Reverse();
        return new Dialog(new DialogId(callId, localTag, remoteTag), true, localUri, remoteUri, remoteContact, routes,
            localSeq, null, secure, StateFor(statusCode));
    }

    /// <summary>
    /// UAS side (§12.1.1): a dialog from a request we answer with a 1xx/2xx carrying our tag. The route
    /// set is the request's Record-Route values in the order received; the remote target its Contact.
    /// </summary>
    public static Dialog CreateAsUas(string callId, string localTag, string remoteTag, string localUri, string remoteUri,
        uint remoteSeq, string remoteContact, IEnumerable<string> recordRoutes, bool confirmed, bool secure = false, uint? initialLocalSeq = null)
    {
        return new Dialog(new DialogId(callId, localTag, remoteTag), false, localUri, remoteUri, remoteContact,
            RouteEntry.Split(recordRoutes), initialLocalSeq ?? (uint)Random.Shared.Next(1, 1 << 30), remoteSeq, secure,
            confirmed ? DialogState.Confirmed : DialogState.Early);
    }

    /// <summary>
    /// A further response to the dialog-creating INVITE (UAC). A 2xx confirms an early dialog and
    /// recomputes its route set (§13.2.2.4); any 1xx/2xx with a Contact updates the remote target.
    /// </summary>
    public void OnInviteResponse(int statusCode, string? contact, IEnumerable<string> recordRoutes)
    {
        if (State == DialogState.Terminated || statusCode < 101)
        {
            return;
        }
        if (statusCode >= 300)
        {
            if (State == DialogState.Early)
            {
                State = DialogState.Terminated; // §12.3: a non-2xx final ends early dialogs
            }
            return;
        }
        if (statusCode >= 200 && State == DialogState.Early && IsUac)
        {
            var routes = RouteEntry.Split(recordRoutes);
            routes.Reverse();
            RouteSet = routes;
        }
        if (contact is not null)
        {
            RemoteTarget = contact;
        }
        if (statusCode >= 200)
        {
            State = DialogState.Confirmed;
        }
    }

    /// <summary>UAS side: our 2xx to the initial INVITE was sent.</summary>
    public void Confirm()
    {
        if (State == DialogState.Early)
        {
            State = DialogState.Confirmed;
        }
    }

    /// <summary>The CSeq number for the next request we send in this dialog (§12.2.1.1: one more each time).</summary>
    public uint NextLocalSeq() => ++LocalSeq;

    /// <summary>
    /// Checks an in-dialog request's CSeq (§12.2.2): a lower number than the last one is out of order
    /// (answer 500); otherwise it becomes the remote sequence number. ACK and CANCEL use the INVITE's
    /// number and are not checked here.
    /// </summary>
    public bool AcceptRemoteSeq(uint cseq)
    {
        if (RemoteSeq is { } last && cseq < last)
        {
            return false;
        }
        RemoteSeq = cseq;
        return true;
    }

    /// <summary>A target refresh (re-INVITE, UPDATE, or their 2xx) replaced the remote target (§12.2).</summary>
    public void UpdateRemoteTarget(string contact)
    {
        if (!string.IsNullOrWhiteSpace(contact))
        {
            RemoteTarget = contact;
        }
    }

    /// <summary>Ends the dialog (BYE sent or received, or failure).</summary>
    public void Terminate() => State = DialogState.Terminated;

    /// <summary>
    /// Request-URI, Route headers and next hop for an in-dialog request (§12.2.1.1). With a loose first
    /// route the Request-URI is the remote target and the route set goes in Route; with a strict first
    /// route that route becomes the Request-URI and the remote target is appended as the last Route.
    /// </summary>
    public DialogRequestTarget ComputeRequestTarget()
    {
        var target = new RouteEntry(RemoteTarget).Uri;
        if (RouteSet.Count == 0)
        {
            return new DialogRequestTarget(target, [], target);
        }
        var first = RouteSet[0];
        if (first.IsLooseRouter)
        {
            return new DialogRequestTarget(target, RouteSet.Select(r => r.Value).ToList(), first.Uri);
        }
        var routes = RouteSet.Skip(1).Select(r => r.Value).Append($"<{target}>").ToList();
        return new DialogRequestTarget(first.Uri, routes, first.Uri);
    }

    private static DialogState StateFor(int statusCode) =>
        statusCode is >= 200 and < 300 ? DialogState.Confirmed : DialogState.Early;
}
