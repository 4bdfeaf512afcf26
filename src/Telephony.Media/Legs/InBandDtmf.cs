namespace Telephony.Media.Legs;

/// <summary>When a leg listens for DTMF tones in the audio it receives.</summary>
public enum InBandDtmf
{
    /// <summary>Only when the peer negotiated no telephone-event (RFC 4733): trunks that send tones in the audio.</summary>
    WhenNoTelephoneEvent,

    /// <summary>Always; a key press the peer sends both ways (events and tones) is reported once.</summary>
    Always,

    /// <summary>Never (digits only as RFC 4733 events).</summary>
    Off,
}
