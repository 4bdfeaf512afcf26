namespace Telephony.Calls.WebPhone;

/// <summary>Our SDP offer for an agent's browser phone: the call it is for and the offer (WebRTC, ICE-lite, DTLS-SRTP).</summary>
public sealed record BrowserPhoneOffer(string AgentId, string CallId, string Sdp);

/// <summary>
/// The browser phones' signalling (the host implements it over the agents' SignalR hub): offers go to the
/// agent's page, and the page's answer comes back as the <see cref="Commands.AnswerBrowserCall"/> command.
/// </summary>
public interface IBrowserPhoneSignalling
{
    /// <summary>Sends the offer to the agent's page (it rings there).</summary>
    Task OfferAsync(BrowserPhoneOffer offer, CancellationToken ct = default);

    /// <summary>Tells the agent's page that the browser leg of <paramref name="callId"/> is over.</summary>
    Task EndAsync(string agentId, string callId, CancellationToken ct = default);
}
