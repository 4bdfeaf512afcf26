using System.Threading.Channels;
using Telephony.Calls.WebPhone;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Legs;

/// <summary>
/// A browser's leg (an agent's phone, or a supervisor listening): our offer went to the page over a hub; the page's
/// answer, refusal or hang-up become the same events a SIP dialog gives (<see cref="CallEstablished"/>, <see cref="CallEnded"/>).
/// Methods are called from the call's mailbox; the events are read by the session's forwarder.
/// </summary>
internal sealed class BrowserLegSignalling(IBrowserPhoneSignalling signalling, string page, string callId) : LegSignalling
{
    private readonly Channel<CallEvent> _events = Channel.CreateUnbounded<CallEvent>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _answered;
    private volatile bool _ended;

    /// <summary>Whose page holds the leg (<see cref="BrowserPhoneOffer.Page"/>): only that page's commands act on it.</summary>
    public string Page { get; } = page;

    public override string Id { get; } = "browser:" + page + ":" + callId;

    public override ChannelReader<CallEvent> Events => _events.Reader;

    public override bool Ended => _ended;

    /// <summary>The page's SDP answer, once it answered.</summary>
    public string? AnswerSdp { get; private set; }

    /// <summary>The page answered with <paramref name="sdp"/>; false when the leg already answered or ended.</summary>
    public bool Answer(string sdp)
    {
        if (_answered || _ended)
        {
            return false;
        }
        _answered = true;
        AnswerSdp = sdp;
        return _events.Writer.TryWrite(new CallEstablished(System.Text.Encoding.UTF8.GetBytes(sdp)));
    }

    /// <summary>The page hung up or refused: the leg ends as a SIP leg would on BYE or a 603.</summary>
    public void EndedByBrowser(string detail) =>
        End(_answered ? new CallEnded(CallEndReason.RemoteHangup, 0, detail) : new CallEnded(CallEndReason.Rejected, 603, detail));

    public override async Task HangupAsync()
    {
        if (_ended)
        {
            return;
        }
        End(new CallEnded(CallEndReason.LocalHangup, 0, "hung up"));
        await signalling.EndAsync(Page, callId).ConfigureAwait(false);
    }

    private void End(CallEnded ended)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        _events.Writer.TryWrite(ended);
        _events.Writer.TryComplete();
    }
}
