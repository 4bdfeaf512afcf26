namespace Telephony.Media.WebRtc.Stun;

/// <summary>STUN message types this code reads or writes (RFC 8489 §5, §18.2): method Binding, four classes.</summary>
public static class StunMessageType
{
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingIndication = 0x0011;
    public const ushort BindingSuccess = 0x0101;
    public const ushort BindingError = 0x0111;
}

/// <summary>STUN attribute types (RFC 8489 §18.3, RFC 8445 §16.1).</summary>
public static class StunAttribute
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;
    public const ushort MessageIntegritySha256 = 0x001C;
}

/// <summary>Why a datagram was not a usable STUN message (a closed set, for counters and logs).</summary>
public enum StunParseError
{
    None,
    TooShort,
    NotStun,
    LengthMismatch,
    AttributeOverrun,
    AttributeAfterFingerprint,
    AttributeAfterIntegrity,
    BadFingerprint,
    MalformedAttribute,
}
