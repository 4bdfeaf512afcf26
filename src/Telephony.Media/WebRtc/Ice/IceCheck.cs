using System.Text;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.Media.WebRtc.Ice;

/// <summary>
/// The full agent's side of a connectivity check (what a browser sends to our ICE-lite legs): for tests and
/// the load generator's browser-style legs.
/// </summary>
public static class IceCheck
{
    /// <summary>
    /// A Binding request as a controlling full agent sends it (RFC 8445 §7.2.2): USERNAME "theirs:ours",
    /// PRIORITY, ICE-CONTROLLING (or -CONTROLLED), USE-CANDIDATE when nominating, MESSAGE-INTEGRITY with
    /// <paramref name="password"/> unless <paramref name="integrity"/> is false, and FINGERPRINT.
    /// </summary>
    public static byte[] BindingRequest(string username, string password, bool useCandidate = false, bool controlled = false, bool integrity = true)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var buffer = new byte[256];
        var txid = new byte[12];
        Random.Shared.NextBytes(txid);
        var w = new StunWriter(buffer, StunMessageType.BindingRequest, txid);
        w.AddBytes(StunAttribute.Username, Encoding.UTF8.GetBytes(username));
        w.AddUInt32(StunAttribute.Priority, 0x6e0001ff);
        w.AddUInt64(controlled ? StunAttribute.IceControlled : StunAttribute.IceControlling, 42);
        if (useCandidate)
        {
            w.AddFlag(StunAttribute.UseCandidate);
        }

        if (integrity)
        {
            w.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        }

        w.AddFingerprint();
        return buffer.AsSpan(0, w.Length).ToArray();
    }
}
