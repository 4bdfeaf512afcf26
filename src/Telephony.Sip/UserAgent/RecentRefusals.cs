using Telephony.Sip.Messages;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// The INVITEs refused statelessly lately, by Call-ID and top Via branch (what identifies a retransmission, §17.2.3),
/// in a fixed table of hashes: no allocation and no lock per refusal, bounded memory however many are refused. A
/// later refusal may overwrite an older one's slot; at 10,000 refusals a second an entry lasts a few seconds on
/// average, long enough for the retransmissions that matter (Timer A: 0.5, 1, 2 s). A false match needs two INVITEs
/// with the same 64-bit hash; it costs that caller one 503 with Retry-After.
/// </summary>
internal sealed class RecentRefusals
{
    private const int Slots = 1 << 16; // 512 KiB
    private readonly long[] _slots = new long[Slots];

    /// <summary>Notes a refused INVITE.</summary>
    public void Remember(SipRequest invite)
    {
        if (Hash(invite) is long hash)
        {
            Volatile.Write(ref _slots[Slot(hash)], hash);
        }
    }

    /// <summary>True when <paramref name="invite"/> is (most likely) a retransmission of a refused INVITE.</summary>
    public bool Contains(SipRequest invite) => Hash(invite) is long hash && Volatile.Read(ref _slots[Slot(hash)]) == hash;

    private static int Slot(long hash) => (int)((ulong)hash >> 48);

    private static long? Hash(SipRequest invite)
    {
        if (invite.CallId is not { } callId || invite.TopVia?.Branch is not { } branch)
        {
            return null;
        }
        var h = new HashCode();
        h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(callId.AsSpan()));
        int high = h.ToHashCode();
        var l = new HashCode();
        l.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(branch.AsSpan()));
        l.Add(callId.Length);
        long hash = ((long)high << 32) | (uint)l.ToHashCode();
        return hash == 0 ? 1 : hash; // 0 marks an empty slot
    }
}
