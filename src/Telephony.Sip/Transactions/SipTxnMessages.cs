using Telephony.Sip.Messages;

namespace Telephony.Sip.Transactions;

/// <summary>
/// The messages the transaction layer makes by itself, built with the message layer's builders:
/// local final responses (100 Trying, 487, 481, 200 to CANCEL, and the 408/503 a failed client
/// transaction reports), the ACK for a non-2xx (§17.1.1.3) and CANCEL (§9.1).
/// </summary>
internal static class SipTxnMessages
{
    /// <summary>The wire bytes of an (immutable) message, without copying.</summary>
    public static ReadOnlyMemory<byte> Serialize(SipMessage message) => message.RawBytes;

    public static SipResponse LocalResponse(SipRequest request, int statusCode, string reason, string? toTag = null) =>
        SipResponseBuilder.CreateResponse(request, statusCode, reason, toTag).Build();

    /// <summary>
    /// §17.1.1.3: same Request-URI, Call-ID, From, CSeq number (method ACK) and top Via (one Via
    /// only) as the INVITE, To from the response (with its tag), the INVITE's Route set.
    /// </summary>
    public static SipRequest AckForNon2xx(SipRequest invite, SipResponse response) =>
        CopyOfInvite(invite, SipMethods.Ack, response.GetHeader(SipHeaderNames.To)!);

    /// <summary>
    /// §9.1: same Request-URI, Call-ID, From, To, CSeq number (method CANCEL), the INVITE's top
    /// Via only (same branch, so it matches the server's INVITE transaction) and Route set.
    /// </summary>
    public static SipRequest Cancel(SipRequest invite) =>
        CopyOfInvite(invite, SipMethods.Cancel, invite.GetHeader(SipHeaderNames.To)!);

    /// <summary>What the hop-by-hop ACK and the CANCEL both copy from the INVITE; they differ only in method and To.</summary>
    private static SipRequest CopyOfInvite(SipRequest invite, string method, string to)
    {
        var b = new SipRequestBuilder(method, invite.RequestUri);
        b.AddVia(invite.TopVia!);
        b.AddHeader(SipHeaderNames.From, invite.GetHeader(SipHeaderNames.From)!);
        b.AddHeader(SipHeaderNames.To, to);
        b.AddHeader(SipHeaderNames.CallId, invite.CallId!);
        b.SetCSeq(invite.CSeq!.Number, method);
        b.SetMaxForwards(70);
        foreach (var route in invite.GetHeaderLines(SipHeaderNames.Route)) b.AddHeader(SipHeaderNames.Route, route);
        return b.Build();
    }
}
