namespace Telephony.Calls.WebPhone;

/// <summary>Our SDP offer for a browser: the page it goes to, the call it is for and the offer (WebRTC, ICE-lite, DTLS-SRTP).</summary>
/// <param name="Page">
/// Whose page: the agent's id for a seat's browser phone (every page of that agent), or the hub connection of the one
/// supervisor's page that asked to listen (<see cref="Commands.SuperviseInBrowser"/>).
/// </param>
public sealed record BrowserPhoneOffer(string Page, string CallId, string Sdp);

/// <summary>
/// The browsers' signalling (the host implements it over a SignalR hub): offers go to the page, and the page's
/// answer comes back as a command (<see cref="Commands.AnswerBrowserCall"/> from an agent's page over the agents' hub,
/// <see cref="Commands.AnswerSupervisorBrowser"/> from a supervisor's over the supervisors' hub).
/// </summary>
public interface IBrowserPhoneSignalling
{
    /// <summary>Sends the offer to the page (an agent's rings; a supervisor's answers at once: the click was the consent).</summary>
    Task OfferAsync(BrowserPhoneOffer offer, CancellationToken ct = default);

    /// <summary>Tells the page (<see cref="BrowserPhoneOffer.Page"/>) that its browser leg of <paramref name="callId"/> is over.</summary>
    Task EndAsync(string page, string callId, CancellationToken ct = default);
}
