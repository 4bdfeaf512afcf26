using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Dtmf;
using Telephony.Media.Sdp;

namespace Telephony.Media.Legs;

/// <summary>What one <see cref="MediaLeg"/> offers and accepts, and how it listens for key presses.</summary>
public sealed record MediaLegOptions
{
    /// <summary>Server legs: every codec we have (PCMU, PCMA, G722) plus telephone-event.</summary>
    public static MediaLegOptions Server { get; } = new();

    /// <summary>Softphone and load-generator legs: G.711 PCMU/PCMA plus telephone-event.</summary>
    public static MediaLegOptions Softphone { get; } = new()
    {
        Negotiator = new SdpNegotiatorOptions { Codecs = ["PCMU", "PCMA"], TelephoneEvent = true, UserName = "softphone" },
    };

    /// <summary>Codecs in order of preference, telephone-event, the SDP o= user name.</summary>
    public SdpNegotiatorOptions Negotiator { get; init; } = new();

    /// <summary>When decoded inbound audio runs through the in-band DTMF detector.</summary>
    public InBandDtmf InBandDtmf { get; init; } = InBandDtmf.WhenNoTelephoneEvent;

    /// <summary>Tuning of the in-band detector (null: the defaults).</summary>
    public GoertzelDtmfOptions? InBandDetector { get; init; }

    /// <summary>
    /// How long after one path (RFC 4733 or in-band) reported a key the other path's report of the same
    /// key counts as the same press. Tones are detected about 50 ms after the first event packet, and
    /// fast dialers repeat a key every 100 ms or more.
    /// </summary>
    public TimeSpan SameKeyWindow { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Logger for the leg's RTP session.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
