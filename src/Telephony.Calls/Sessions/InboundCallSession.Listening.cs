using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Media.WebRtc;

namespace Telephony.Calls.Sessions;

// A supervisor listening from the browser: the third leg is a WebRTC leg to the one supervisor's page that asked
// (its connection on the supervisors' hub), opened like an agent's browser phone (.Browser) and mixed like a seat
// phone's supervision (.ThirdParty) once its media is secured. Mode changes and leaving are the same commands.
internal sealed partial class InboundCallSession
{
    /// <summary>The <see cref="SuperviseInBrowser"/> command: offer WebRTC audio to the supervisor's page.</summary>
    internal async Task<CommandResult> SuperviseInBrowserAsync(SuperviseInBrowser command)
    {
        if (SupervisionRefusal() is { } refused)
        {
            return refused;
        }
        var party = command.Supervisor + " (browser)";
        var leg = await DialBrowserAsync(LegRole.Supervisor, party, command.Page, _services.BrowserPhones?.Supervisors).ConfigureAwait(false);
        if (leg is null)
        {
            return new CommandResult(CommandStatus.Unavailable, "This server cannot offer audio to a supervisor's browser.");
        }
        _third = leg;
        _mixMode = command.Mode;
        LogListeningOffered(_log, command.Supervisor, command.Mode.ToString());
        return CommandResult.Started("offered to your browser");
    }

    /// <summary>The <see cref="AnswerSupervisorBrowser"/> command: the page that was offered the call answered.</summary>
    internal CommandResult AnswerSupervisorBrowser(AnswerSupervisorBrowser command)
    {
        if (ListenerOf(command.Page) is not { } listener)
        {
            return new CommandResult(CommandStatus.NotYourCall, "No listening offer of this page is open on that call.");
        }
        return listener.Answer(command.Sdp)
            ? CommandResult.Started("answered; connecting the media")
            : new CommandResult(CommandStatus.WrongState, "That offer was already answered.");
    }

    /// <summary>The <see cref="EndSupervisorBrowser"/> command: the page's leg ends (the page went, or its media failed).</summary>
    internal Task<CommandResult> EndSupervisorBrowserAsync(EndSupervisorBrowser command) =>
        ListenerOf(command.Page) is null
            ? Task.FromResult(new CommandResult(CommandStatus.NothingToUndo, "This page is not listening to that call."))
            : RemoveThirdPartyAsync(LegRole.Supervisor, "No supervisor is on that call.", "the supervisor's page left", "left");

    /// <summary>The supervisor's browser leg of <paramref name="page"/>, if that is the third party now.</summary>
    private BrowserLegSignalling? ListenerOf(string page) =>
        _third is { Role: LegRole.Supervisor, Signalling: BrowserLegSignalling browser } && !_consulting
        && string.Equals(browser.Page, page, StringComparison.Ordinal) ? browser : null;

    /// <summary>The supervisor's browser media is secured (mix it in) or failed (the supervisor is off the call; the page is told).</summary>
    private async Task OnListenerSecuredAsync(CallLeg third, WebRtcFailure failure)
    {
        if (failure != WebRtcFailure.None || Phase != CallPhase.Connected || _bridge is null || _centre is null)
        {
            LogListeningFailed(_log, third.Label, failure == WebRtcFailure.None ? "the call is no longer connected" : failure.ToString());
            await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
            return;
        }
        StartMixing(third);
    }
}
