using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.Commands;

namespace Telephony.Server.Agents;

// The agent's browser as the seat's phone (WebRTC): the page says it is the phone, answers our offers and
// ends its legs; the server terminates the media itself (ICE-lite, DTLS-SRTP), so only SDP passes here.
public sealed partial class AgentHub
{
    /// <summary>The longest SDP answer taken (a browser's audio answer is 2-4 KB).</summary>
    public const int MaxSdpLength = 16 * 1024;

    /// <summary>
    /// Whether the caller's calls ring in this browser (<paramref name="on"/>) or at the seat's SIP phone.
    /// Per login: the page says it again after every reconnect; the last connection going away forgets it.
    /// </summary>
    public void UseBrowserPhone(bool on)
    {
        var phones = calls.BrowserPhones ?? throw new HubException("This server has no browser phones.");
        var agent = RequireAgent();
        if (on)
            phones.Register(agent);
        else
            phones.Unregister(agent);
    }

    /// <summary>The browser phone answers the call ringing at the caller's seat with its SDP answer.</summary>
    public Task AnswerBrowserCall(string callId, string sdp)
    {
        if (string.IsNullOrEmpty(sdp) || sdp.Length > MaxSdpLength)
            throw new HubException($"An SDP answer of 1..{MaxSdpLength} characters is required.");
        return AskAsync(callId, new AnswerBrowserCall(RequireAgent(), sdp));
    }

    /// <summary>
    /// The browser phone offers again on its call (ICE restart, new track): always refused with the reason
    /// (a HubException), so the page never applies that offer and keeps the media it has.
    /// </summary>
    public Task ReofferBrowserCall(string callId, string sdp)
    {
        if (string.IsNullOrEmpty(sdp) || sdp.Length > MaxSdpLength)
            throw new HubException($"An SDP offer of 1..{MaxSdpLength} characters is required.");
        return AskAsync(callId, new ReofferBrowserCall(RequireAgent(), sdp));
    }

    /// <summary>The browser phone refuses the ringing call or hangs up its leg.</summary>
    public Task EndBrowserCall(string callId, string? reason) =>
        AskAsync(callId, new EndBrowserCall(RequireAgent(), (reason ?? "").Trim() is { Length: > 0 and <= 64 } r && !r.Any(Telephony.Server.Http.LogText.NeedsEscape) ? r : "ended in the browser"));
}
