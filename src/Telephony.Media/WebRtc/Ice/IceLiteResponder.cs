using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.Media.WebRtc.Ice;

/// <summary>Why a STUN datagram got no success response (a closed set for counters and logs).</summary>
public enum IceRefusal
{
    None,
    /// <summary>Not a well-formed STUN message, or a bad FINGERPRINT: dropped without an answer (RFC 8489 §6.3).</summary>
    Malformed,
    /// <summary>No USERNAME or no MESSAGE-INTEGRITY: 400 (RFC 8489 §9.1.3).</summary>
    MissingCredentials,
    /// <summary>USERNAME is not "ours:theirs" (RFC 8445 §7.3): 401.</summary>
    WrongUsername,
    /// <summary>MESSAGE-INTEGRITY does not verify with our password: 401.</summary>
    WrongPassword,
    /// <summary>The peer says it is controlled too; a lite agent is always controlled (RFC 8445 §6.1.1): 487.</summary>
    RoleConflict,
    /// <summary>A comprehension-required attribute we do not know: 420 (RFC 8489 §6.3.1.1).</summary>
    UnknownAttribute,
    /// <summary>
    /// A check to our loopback candidate from a non-loopback address: dropped without an answer. Such a pair
    /// only works because the kernel delivers to 127.0.0.1 from any of the host's own addresses; media stays
    /// on loopback (RFC 8445 §5.1.1.1 keeps loopback out of ICE; we allow it only for a node on 127.0.0.1).
    /// </summary>
    NotLoopback,
}

/// <summary>
/// The ICE-lite side of one media stream (RFC 8445 §2.5): we never send checks, we answer the full
/// agent's Binding requests that carry our username fragment and are signed with our password
/// (short-term credentials, RFC 8489 §9.1), and take the media peer from them: the first source that
/// completes a valid check, then the pair the controlling agent nominates with USE-CANDIDATE
/// (RFC 8445 §7.3.1.5, regular or aggressive nomination). Media from any other source is not admitted.
/// Called on the receive thread; answers are written into the caller's buffer; nothing throws on input.
/// </summary>
public sealed class IceLiteResponder
{
    /// <summary>A response we write fits in this many bytes (error responses with their reason included).</summary>
    public const int MaxResponseLength = 128;

    private readonly byte[] _localPassword;
    private readonly byte[] _localPrefix; // "ufrag:" the USERNAME must start with
    private readonly ILogger _log;
    private readonly IPEndPoint _local;
    private readonly bool _loopbackOnly; // our one candidate is on loopback: so must the peer's be
    private volatile byte[]? _expectedUsername; // "ours:theirs" once the peer's SDP is known
    private volatile SocketAddress? _selected;
    private bool _nominated;
    private long _refused;
    private long _answered;

    public IceLiteResponder(IceCredentials local, IPEndPoint localEndPoint, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        Local = local;
        _local = localEndPoint;
        _loopbackOnly = localEndPoint is not null && IPAddress.IsLoopback(localEndPoint.Address);
        _localPassword = Encoding.UTF8.GetBytes(local.Password);
        _localPrefix = Encoding.UTF8.GetBytes(local.UsernameFragment + ":");
        _log = logger ?? NullLogger.Instance;
    }

    /// <summary>Our credentials (they go into our SDP as a=ice-ufrag / a=ice-pwd).</summary>
    public IceCredentials Local { get; }

    /// <summary>The address media is exchanged with (null before a valid check).</summary>
    public SocketAddress? Selected => _selected;

    /// <summary>Whether the controlling agent has nominated <see cref="Selected"/> (USE-CANDIDATE).</summary>
    public bool Nominated => Volatile.Read(ref _nominated);

    /// <summary>Checks answered with success.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>STUN datagrams refused (malformed, wrong credentials, role conflict).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// The peer's username fragment from its SDP. Before it is known, checks are still answered when signed
    /// with our password (a browser checks as soon as it has our offer, RFC 8445 §7.2: its answer may arrive later).
    /// </summary>
    public void SetRemote(string remoteUfrag)
    {
        ArgumentException.ThrowIfNullOrEmpty(remoteUfrag);
        _expectedUsername = Encoding.UTF8.GetBytes(Local.UsernameFragment + ":" + remoteUfrag);
    }

    /// <summary>
    /// Handles one STUN datagram from <paramref name="from"/>; writes the answer into <paramref name="response"/>
    /// (at least <see cref="MaxResponseLength"/> bytes) and returns its length, 0 when nothing is sent.
    /// <paramref name="selectionChanged"/> is true when this check made <paramref name="from"/> the media peer.
    /// </summary>
    public int Handle(ReadOnlySpan<byte> datagram, SocketAddress from, Span<byte> response, out IceRefusal refusal, out bool selectionChanged)
    {
        ArgumentNullException.ThrowIfNull(from);
        selectionChanged = false;
        if (StunMessage.TryParse(datagram, out var request) != StunParseError.None)
        {
            return Refuse(IceRefusal.Malformed, from, out refusal);
        }

        if (request.Type != StunMessageType.BindingRequest)
        {
            // Indications are keep-alives (RFC 8445 §11); responses are not ours to take (we never check).
            refusal = IceRefusal.None;
            return 0;
        }

        if (_loopbackOnly && !IsLoopback(from))
        {
            // No answer at all, so the full agent's pair fails as unreachable and it nominates its loopback pair.
            return Refuse(IceRefusal.NotLoopback, from, out refusal);
        }

        if (!request.HasUsername || !request.HasIntegrity)
        {
            return Error(request, 400, "Bad Request"u8, IceRefusal.MissingCredentials, from, response, out refusal);
        }

        var username = request.Username;
        var expected = _expectedUsername;
        if (expected is null ? !username.StartsWith(_localPrefix) : !username.SequenceEqual(expected))
        {
            return Error(request, 401, "Unauthorized"u8, IceRefusal.WrongUsername, from, response, out refusal);
        }

        if (!request.VerifyIntegrity(_localPassword))
        {
            return Error(request, 401, "Unauthorized"u8, IceRefusal.WrongPassword, from, response, out refusal);
        }

        if (request.UnknownRequiredAttribute != 0)
        {
            return Error(request, 420, "Unknown Attribute"u8, IceRefusal.UnknownAttribute, from, response, out refusal);
        }

        if (request.IceControlled is not null)
        {
            return Error(request, 487, "Role Conflict"u8, IceRefusal.RoleConflict, from, response, out refusal);
        }

        selectionChanged = Select(from, request.UseCandidate);
        var writer = new StunWriter(response, StunMessageType.BindingSuccess, request.TransactionId);
        writer.AddXorMappedAddress(from);
        writer.AddMessageIntegrity(_localPassword);
        writer.AddFingerprint();
        Interlocked.Increment(ref _answered);
        refusal = IceRefusal.None;
        return writer.Length;
    }

    // The first valid check selects a peer so that DTLS can start; a nomination moves the selection to the
    // nominated pair once and for all (a later, unnominated check from elsewhere does not move it back).
    private bool Select(SocketAddress from, bool useCandidate)
    {
        var current = _selected;
        bool same = current is not null && current.Equals(from);
        if (same)
        {
            if (useCandidate && !_nominated)
            {
                Volatile.Write(ref _nominated, true);
            }
            return false;
        }

        if (current is not null && (!useCandidate || (_nominated && !useCandidate)))
        {
            return false;
        }

        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(copy.Buffer.Span);
        _selected = copy;
        if (useCandidate)
        {
            Volatile.Write(ref _nominated, true);
        }
        WebRtcLog.IcePeerSelected(_log, _local, ToEndPoint(copy), useCandidate);
        return true;
    }

    private int Error(in StunMessage request, int code, ReadOnlySpan<byte> reason, IceRefusal why, SocketAddress from, Span<byte> response, out IceRefusal refusal)
    {
        Refuse(why, from, out refusal);
        // RFC 8489 §9.1.3: a 400/401 to a short-term request carries no MESSAGE-INTEGRITY (we cannot sign for an unknown key).
        var writer = new StunWriter(response, StunMessageType.BindingError, request.TransactionId);
        writer.AddErrorCode(code, reason);
        writer.AddFingerprint();
        return writer.Length;
    }

    private int Refuse(IceRefusal why, SocketAddress from, out IceRefusal refusal)
    {
        refusal = why;
        long n = Interlocked.Increment(ref _refused);
        // The first few refusals of a leg are logged, then every 100th: a flood must not flood the log.
        if (n <= 3 || n % 100 == 0)
        {
            WebRtcLog.IceCheckRefused(_log, _local, ToEndPoint(from), why, n);
        }
        return 0;
    }

    // sockaddr_in: family, port, then the IPv4 address at bytes 4-7; sockaddr_in6: the address at bytes 8-23
    // (::1, or ::ffff:127.x.y.z when a dual-stack socket receives IPv4).
    private static bool IsLoopback(SocketAddress address)
    {
        var b = address.Buffer.Span;
        if (address.Family == AddressFamily.InterNetwork)
        {
            return address.Size >= 8 && b[4] == 127;
        }

        if (address.Size < 24)
        {
            return false;
        }

        var ip = new IPAddress(b.Slice(8, 16));
        return IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }

    internal static IPEndPoint ToEndPoint(SocketAddress address) =>
        (IPEndPoint)new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(address);
}
