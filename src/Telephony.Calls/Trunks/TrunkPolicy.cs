using System.Net;

namespace Telephony.Calls.Trunks;

/// <summary>The <c>Trunks</c> configuration section.</summary>
public sealed class TrunkOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Trunks";

    /// <summary>
    /// Carrier addresses or networks (CIDR) allowed to deliver calls to public service numbers,
    /// comma separated. Development default: loopback only.
    /// </summary>
    public string AllowedSources { get; set; } = "127.0.0.0/8";

    /// <summary>
    /// Where outside calls go (IVR transfers to partner hotlines), with <c>{number}</c> for the
    /// dialled number, e.g. <c>sip:{number}@carrier.example;transport=tcp</c>. Empty: no outside calls.
    /// </summary>
    public string OutboundUri { get; set; } = string.Empty;

    /// <summary>Each bad value as "Trunks:Key = value: what is wrong"; empty when all are fine (checked at start).</summary>
    public IEnumerable<string> Validate(string section = Section)
    {
        string? error = null;
        try
        {
            _ = new TrunkPolicy(this, []);
        }
        catch (FormatException e)
        {
            error = $"{section}:AllowedSources = '{AllowedSources}': {e.Message}";
        }
        if (error is not null)
        {
            yield return error;
        }
        if (OutboundUri.Length > 0 && (!OutboundUri.Contains("{number}", StringComparison.Ordinal) || !OutboundUri.StartsWith("sip", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"{section}:OutboundUri = '{OutboundUri}': a sip: or sips: URI with {{number}} where the dialled number goes";
        }
    }
}

/// <summary>
/// Who may put a call into the platform and where calls may go out. Inbound: only carrier
/// addresses on the allow-list reach the public service numbers (12345 and the merged old hotline
/// numbers the script has entries for; seats authenticate by digest in the SIP access gate).
/// Outbound: only through the one trunk; which numbers is the <see cref="DialPlan"/>'s decision.
/// </summary>
public sealed class TrunkPolicy
{
    // Each allowed network as its address bytes (4 or 16) and prefix length, taken apart once here so
    // the check per out-of-dialog request reads the source into a stack buffer and allocates nothing.
    private readonly (byte[] Network, int Bits)[] _allowed;
    private readonly string _outbound;
    private readonly HashSet<string> _serviceNumbers;

    /// <summary>
    /// Builds the policy for the public <paramref name="serviceNumbers"/> (12345 and the merged old hotline
    /// numbers); throws <see cref="FormatException"/> naming a bad allow-list entry.
    /// </summary>
    public TrunkPolicy(TrunkOptions options, IEnumerable<string> serviceNumbers)
    {
        ArgumentNullException.ThrowIfNull(serviceNumbers);
        ArgumentNullException.ThrowIfNull(options);
        _allowed = [.. options.AllowedSources.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
        _serviceNumbers = new HashSet<string>(serviceNumbers, StringComparer.Ordinal);
        _outbound = options.OutboundUri;
    }

    /// <summary>
    /// The one decision on an out-of-dialog INVITE's target and source: not a service number (the
    /// seats' rules apply), a service number from a trunk (answered, no authentication: citizens'
    /// phones do not have our credentials), or a service number from anyone else (refused with 403).
    /// </summary>
    public ServiceNumberAdmission Admit(string? targetUser, IPAddress source)
    {
        if (targetUser is null || !_serviceNumbers.Contains(targetUser))
        {
            return ServiceNumberAdmission.NotAServiceNumber;
        }
        return IsAllowedSource(source) ? ServiceNumberAdmission.FromTrunk : ServiceNumberAdmission.NotATrunk;
    }

    /// <summary>True when <paramref name="source"/> may deliver calls to public numbers (allocates nothing).</summary>
    public bool IsAllowedSource(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> buffer = stackalloc byte[16];
        if (!source.TryWriteBytes(buffer, out int written))
        {
            return false;
        }
        ReadOnlySpan<byte> bytes = buffer[..written];
        if (source.IsIPv4MappedToIPv6)
        {
            bytes = bytes[12..]; // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) is the IPv4 address a.b.c.d
        }
        foreach (var (network, bits) in _allowed)
        {
            if (InNetwork(bytes, network, bits))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The trunk URI for an outside number (no check of the number: that is the dial plan's), or null when outside calls are not configured.</summary>
    public string? OutboundUri(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        return _outbound.Length == 0 ? null : _outbound.Replace("{number}", number, StringComparison.Ordinal);
    }

    private static (byte[], int) Parse(string entry)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(slash < 0 ? entry : entry[..slash]);
        int max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        int bits = slash < 0 ? max : int.Parse(entry[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (bits < 0 || bits > max)
        {
            throw new FormatException($"Trunks:AllowedSources: bad prefix length in '{entry}'");
        }
        return (address.GetAddressBytes(), bits);
    }

    private static bool InNetwork(ReadOnlySpan<byte> address, byte[] network, int bits)
    {
        if (address.Length != network.Length)
        {
            return false;
        }
        for (int i = 0; i < address.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((address[i] & mask) != (network[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
