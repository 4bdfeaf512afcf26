namespace Telephony.Media.Srtp;

/// <summary>
/// The SRTP of one RTP session, both directions: <see cref="Local"/> protects what we send (our master key),
/// <see cref="Remote"/> authenticates and decrypts what the peer sends (its master key). Keys come from SDES
/// (RFC 4568: each side's a=crypto line) or DTLS-SRTP (RFC 5764 §4.2: the exporter's client and server
/// halves). Give it to <see cref="Rtp.RtpSession.Protection"/> (or <see cref="Legs.MediaLeg.Protect"/>);
/// the session then owns it and disposes it with itself.
/// </summary>
public sealed class SrtpProtection : IDisposable
{
    public SrtpProtection(SrtpContext local, SrtpContext remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (ReferenceEquals(local, remote))
        {
            // Each direction keeps its own ROC and replay window; one context for both would mix them.
            throw new ArgumentException("the two directions need two contexts", nameof(remote));
        }
        Local = local;
        Remote = remote;
    }

    /// <summary>Protects outgoing RTP and RTCP.</summary>
    public SrtpContext Local { get; }

    /// <summary>Unprotects incoming SRTP and SRTCP.</summary>
    public SrtpContext Remote { get; }

    public void Dispose()
    {
        Local.Dispose();
        Remote.Dispose();
    }
}
