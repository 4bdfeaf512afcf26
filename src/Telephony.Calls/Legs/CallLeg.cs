using Telephony.Media.Legs;
using System.Globalization;
using Telephony.Cases;

namespace Telephony.Calls.Legs;

/// <summary>
/// One party of a call as the B2BUA holds it: its SIP dialog and our media end of it, who it is
/// (<see cref="Role"/> and <see cref="Party"/>: a seat or a number), and whether it holds the others.
/// </summary>
internal sealed class CallLeg(LegRole role, string party, LegSignalling signalling, MediaLeg media)
{
    public LegRole Role { get; } = role;

    /// <summary>The seat extension (agent, supervisor), the dialled number (partner) or the caller's number.</summary>
    public string Party { get; } = party;

    /// <summary>The leg's signalling: its SIP dialog, or a browser phone's offer/answer.</summary>
    public LegSignalling Signalling { get; } = signalling;

    public MediaLeg Media { get; } = media;

    /// <summary>This party put the others on hold (sendonly/inactive, or c=0.0.0.0): it is not relayed, they hear music.</summary>
    public bool Holding { get; set; }

    /// <summary>For logs: "caller", "seat 1001", "partner 12315", "supervisor seat 1002".</summary>
    public string Label => Role switch
    {
        LegRole.Caller => "caller",
        LegRole.Agent => "seat " + Party,
        LegRole.Partner => "partner " + Party,
        _ => "supervisor seat " + Party,
    };

    /// <summary>The leg's RTP reception figures so far (RFC 3550 §6.4.1), for the call record.</summary>
    public MediaLegQuality Quality()
    {
        var stats = Media.Session.GetStatistics();
        return new MediaLegQuality
        {
            PacketsReceived = stats.PacketsReceived,
            PacketsLost = Math.Max(0, stats.PacketsLost),
            JitterMilliseconds = Math.Round(stats.JitterMilliseconds, 3),
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} ({Signalling.Id})");
}
