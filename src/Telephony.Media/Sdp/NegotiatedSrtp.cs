using Telephony.Media.Srtp;

namespace Telephony.Media.Sdp;

/// <summary>
/// The SDES keys one offer/answer agreed (RFC 4568): the suite and tag of the chosen a=crypto line, our key
/// (in our SDP: protects what we send) and the peer's (in its SDP: protects what it sends).
/// </summary>
public sealed class NegotiatedSrtp
{
    public NegotiatedSrtp(SdesCrypto local, SdesCrypto remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (local.Suite != remote.Suite || local.Tag != remote.Tag)
        {
            throw new ArgumentException("both keys belong to the one agreed a=crypto line (same tag and suite)");
        }
        Local = local;
        Remote = remote;
    }

    public SrtpSuite Suite => Local.Suite;

    public int Tag => Local.Tag;

    /// <summary>Our key: what we send is protected with it.</summary>
    public SdesCrypto Local { get; }

    /// <summary>The peer's key: what we receive is checked and decrypted with it.</summary>
    public SdesCrypto Remote { get; }

    /// <summary>Fresh contexts for both directions (a new stream: rollover counters at 0).</summary>
    public SrtpProtection CreateProtection() => new(Local.CreateContext(), Remote.CreateContext());
}
