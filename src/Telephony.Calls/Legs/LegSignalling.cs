using System.Threading.Channels;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Legs;

/// <summary>
/// How one leg of a call is signalled: a SIP dialog, or a browser phone's offer/answer over the agents'
/// hub. The session reads the same events from either (<see cref="CallEstablished"/> with the answer,
/// <see cref="CallEnded"/>, ...) and hangs up either the same way, so the rest of the call (bridge,
/// recording, supervision, hold music) does not know which it is.
/// </summary>
internal abstract class LegSignalling
{
    /// <summary>The SIP Call-ID, or the browser leg's id: for logs.</summary>
    public abstract string Id { get; }

    /// <summary>What happens on the leg, ending with <see cref="CallEnded"/>.</summary>
    public abstract ChannelReader<CallEvent> Events { get; }

    /// <summary>The leg is over (nothing to hang up).</summary>
    public abstract bool Ended { get; }

    /// <summary>Ends the leg from our side (BYE, CANCEL, or the browser told to stop).</summary>
    public abstract Task HangupAsync();
}

/// <summary>A leg signalled by SIP: the dialog's own events and hang-up.</summary>
internal sealed class SipLegSignalling(SipCall call) : LegSignalling
{
    public SipCall Call { get; } = call;

    public override string Id => Call.CallId;

    public override ChannelReader<CallEvent> Events => Call.Events;

    public override bool Ended => Call.State == CallState.Ended;

    public override Task HangupAsync() => Call.HangupAsync();
}
