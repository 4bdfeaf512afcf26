using System.Text;
using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Calls.WebPhone;
using Telephony.Media.Legs;
using Telephony.Media.Sdp;
using Telephony.Media.WebRtc;

namespace Telephony.Calls.Sessions;

// The agent's browser as the seat's phone (WebRTC): the offer goes to the agent's page over the hub, the
// page answers with the AnswerBrowserCall command, and the call connects once ICE and DTLS-SRTP are done.
// From then on the leg is like any other: bridged, recorded, supervised, held. A supervisor's browser leg
// (.Listening) is opened and secured the same way.
internal sealed partial class InboundCallSession
{
    /// <summary>
    /// Opens a WebRTC media leg for <paramref name="role"/> and sends its offer to <paramref name="page"/> over
    /// <paramref name="signalling"/> (the agents' hub for a seat's browser phone, the supervisors' for a supervisor
    /// listening); null (logged) when either fails.
    /// </summary>
    private async Task<CallLeg?> DialBrowserAsync(LegRole role, string party, string page, IBrowserPhoneSignalling? signalling)
    {
        var phones = _services.BrowserPhones;
        if (phones is null || signalling is null)
        {
            LogDialFailed(_log, role.ToString(), party, "no browser phones on this node");
            return null;
        }
        var media = MediaLeg.OpenWebRtc(_services.Media, MediaLegOptions.Server with { Logger = _log, Negotiator = BrowserCodecs() },
            phones.Identity, out var error, phones.SecurityTimeout);
        if (media is null)
        {
            LogNoPorts(_log, role.ToString(), error ?? "?");
            return null;
        }
        var legSignalling = new BrowserLegSignalling(signalling, page, CallId);
        var leg = new CallLeg(role, party, legSignalling, media);
        try
        {
            await signalling.OfferAsync(new BrowserPhoneOffer(page, CallId, Encoding.UTF8.GetString(media.CreateOffer()))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogDialFailed(_log, role.ToString(), party, e.Message);
            await media.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        Forward(legSignalling);
        return leg;
    }

    /// <summary>G.711 for browsers (every browser has it), the caller's law first so the bridge relays without transcoding.</summary>
    private SdpNegotiatorOptions BrowserCodecs()
    {
        var defaults = MediaLegOptions.Server.Negotiator;
        string first = _caller.Media.Audio?.EncodingName is "PCMA" ? "PCMA" : "PCMU";
        return new SdpNegotiatorOptions
        {
            Codecs = [first, first == "PCMU" ? "PCMA" : "PCMU"],
            TelephoneEvent = defaults.TelephoneEvent,
            TelephoneEventPayloadType = defaults.TelephoneEventPayloadType,
            Ptime = defaults.Ptime,
            UserName = defaults.UserName,
        };
    }

    /// <summary>The <see cref="AnswerBrowserCall"/> command: the page answered the call ringing at its seat.</summary>
    internal CommandResult AnswerBrowserCall(AnswerBrowserCall command)
    {
        if (Phase != CallPhase.Ringing || _centre?.Signalling is not BrowserLegSignalling browser
            || !string.Equals(browser.Page, command.AgentId, StringComparison.Ordinal))
        {
            return new CommandResult(CommandStatus.NotYourCall, "No call rings in your browser with that id.");
        }
        return browser.Answer(command.Sdp)
            ? CommandResult.Started("answered; connecting the media")
            : new CommandResult(CommandStatus.WrongState, "That call was already answered.");
    }

    /// <summary>
    /// The <see cref="ReofferBrowserCall"/> command: the page offers again on its answered call. Refused, and
    /// said why, so that the page never applies its offer (it asks before setLocalDescription) and the call goes on unchanged: the
    /// leg's ICE credentials, DTLS-SRTP keys and codec are fixed for the call. An ICE restart (new ufrag,
    /// RFC 8445 §9) would need a new ICE-lite responder and a DTLS handshake on a live bridge; a device change
    /// needs no offer at all (the page replaces the track on its sender).
    /// </summary>
    internal CommandResult ReofferBrowserCall(ReofferBrowserCall command)
    {
        if (_centre?.Signalling is not BrowserLegSignalling browser || !string.Equals(browser.Page, command.AgentId, StringComparison.Ordinal))
        {
            return CommandResult.NotYourCall;
        }
        if (browser.AnswerSdp is not { } answer || browser.Ended)
        {
            return new CommandResult(CommandStatus.WrongState, "That call has no browser media to renegotiate.");
        }
        string what = IceUfrag(command.Sdp) is { } ufrag && ufrag != IceUfrag(answer) ? "an ICE restart" : "a renegotiation";
        LogBrowserReofferRefused(_log, _centre.Label, what);
        return new CommandResult(CommandStatus.NotAllowed,
            $"The server does not take {what} of a browser call; the call keeps its media as negotiated.");
    }

    // a=ice-ufrag of the first m-line, else the session's (RFC 8839 §5.4); null when the SDP has none.
    private static string? IceUfrag(string sdp)
    {
        var parsed = SdpParser.Parse(sdp);
        if (!parsed.Success || parsed.Description!.MediaDescriptions.Count == 0)
        {
            return null;
        }
        var sd = parsed.Description;
        return sd.MediaDescriptions[0].GetAttribute("ice-ufrag")?.Value ?? sd.Attributes.Find(a => a.Name == "ice-ufrag")?.Value;
    }

    /// <summary>The <see cref="EndBrowserCall"/> command: the page refused the ringing call or hung up its leg.</summary>
    internal CommandResult EndBrowserCall(EndBrowserCall command)
    {
        if (_centre?.Signalling is not BrowserLegSignalling browser || !string.Equals(browser.Page, command.AgentId, StringComparison.Ordinal))
        {
            return CommandResult.NotYourCall;
        }
        browser.EndedByBrowser(string.IsNullOrWhiteSpace(command.Reason) ? "ended in the browser" : command.Reason);
        return CommandResult.Done("ended");
    }

    /// <summary>A browser leg (the centre's or a supervisor's) answered: its media counts once ICE and DTLS gave SRTP keys.</summary>
    private void AwaitSecured(CallLeg leg, WebRtcTransport webRtc)
    {
        LogBrowserAnswered(_log, leg.Label);
        _ = PostWhenSecuredAsync(leg.Signalling, webRtc);
    }

    private async Task PostWhenSecuredAsync(LegSignalling leg, WebRtcTransport webRtc) =>
        Post(new BrowserMediaSecured(leg, await webRtc.Secured.ConfigureAwait(false)));

    private async Task OnBrowserMediaSecuredAsync(BrowserMediaSecured secured)
    {
        if (_third is { } third && ReferenceEquals(third.Signalling, secured.Leg))
        {
            await OnListenerSecuredAsync(third, secured.Failure).ConfigureAwait(false);
            return;
        }
        var centre = _centre;
        if (centre is null || !ReferenceEquals(centre.Signalling, secured.Leg) || Phase != CallPhase.Ringing)
        {
            return; // the leg went meanwhile (withdrawn, caller gone)
        }
        if (secured.Failure != WebRtcFailure.None)
        {
            LogBrowserMediaFailed(_log, centre.Label, secured.Failure.ToString());
            await OfferFailedAsync("browser media not secured: " + secured.Failure).ConfigureAwait(false);
            return;
        }
        await CompleteConnectAsync(centre).ConfigureAwait(false);
    }
}
