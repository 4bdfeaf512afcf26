namespace Telephony.ContactCenter.Routing;

/// <summary>A caller handed to the ACD after the IVR.</summary>
/// <param name="CallId">The server's id for the call (the SIP Call-ID, opaque here).</param>
/// <param name="CallerNumber">Who calls.</param>
/// <param name="DialedNumber">What they dialled (e.g. 12345).</param>
/// <param name="Queue">The queue the IVR chose.</param>
/// <param name="Priority">The caller's own priority (added to the queue's).</param>
/// <param name="Language">"zh" or "en".</param>
/// <param name="IvrPath">The IVR nodes the caller passed, in order.</param>
/// <param name="IvrDigits">The DTMF digits collected.</param>
public sealed record InboundCall(
    string CallId,
    string CallerNumber,
    string DialedNumber,
    string Queue,
    int Priority,
    string Language,
    IReadOnlyList<string> IvrPath,
    string IvrDigits);
