using System.Globalization;
using System.Net;
using System.Text;

namespace Telephony.Media.Sdp;

/// <summary>Stream direction attributes (RFC 8866 §6.7, RFC 3264 §5.1/§6.1).</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>Helpers for <see cref="MediaDirection"/>.</summary>
public static class MediaDirections
{
    /// <summary>The attribute name for a direction ("sendrecv", "sendonly", ...).</summary>
    public static string ToAttribute(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>Whether a party with this direction sends media.</summary>
    public static bool Sends(this MediaDirection direction) =>
        direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    /// <summary>Whether a party with this direction receives media.</summary>
    public static bool Receives(this MediaDirection direction) =>
        direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    /// <summary>
    /// The answerer's direction for an offered direction, limited by what the answerer wants
    /// (RFC 3264 §6.1: sendonly is answered recvonly or inactive, recvonly with sendonly or
    /// inactive, inactive with inactive).
    /// </summary>
    public static MediaDirection AnswerTo(this MediaDirection offered, MediaDirection wanted)
    {
        bool send = offered.Receives() && wanted.Sends();
        bool receive = offered.Sends() && wanted.Receives();
        return (send, receive) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };
    }

    internal static MediaDirection? FromAttribute(string name) => name switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };
}

/// <summary>o= line (RFC 8866 §5.2).</summary>
public sealed record SdpOrigin(
    string UserName, ulong SessionId, ulong SessionVersion, string NetType, string AddrType, string Address)
{
    internal string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{UserName} {SessionId} {SessionVersion} {NetType} {AddrType} {Address}");
}

/// <summary>c= line (RFC 8866 §5.7). <see cref="IPAddress"/> is null when the address is not an IP literal.</summary>
public sealed record SdpConnection(string NetType, string AddrType, string Address)
{
    /// <summary>The connection address as an IP address, or null for an FQDN.</summary>
    public IPAddress? IPAddress =>
        System.Net.IPAddress.TryParse(Address, out var ip) ? ip : null;

    /// <summary>The RFC 2543 way of putting a stream on hold: c=IN IP4 0.0.0.0.</summary>
    public bool IsNullAddress => IPAddress is { } ip && ip.Equals(System.Net.IPAddress.Any);

    /// <summary>A c= line for a local address.</summary>
    public static SdpConnection For(IPAddress address) => new(
        "IN", address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4",
        address.ToString());

    internal string Format() => $"{NetType} {AddrType} {Address}";
}

/// <summary>b= line (RFC 8866 §5.8), e.g. AS:64 or TIAS:64000.</summary>
public sealed record SdpBandwidth(string Type, long Value);

/// <summary>a= line (RFC 8866 §5.13): a property (Value null) or a name:value attribute.</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    internal string Format() => Value is null ? Name : $"{Name}:{Value}";
}

/// <summary>a=rtpmap (RFC 8866 §6.6).</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels);

/// <summary>One m= section (RFC 8866 §5.14) with its media-level lines.</summary>
public sealed class SdpMediaDescription
{
    public SdpMediaDescription(string media, int port, int portCount, string protocol, IEnumerable<string> formats)
    {
        Media = media;
        Port = port;
        PortCount = portCount;
        Protocol = protocol;
        Formats = formats.ToList();
    }

    /// <summary>"audio", "video", "application", ...</summary>
    public string Media { get; set; }
    /// <summary>Transport port; 0 means the stream is rejected/disabled (RFC 3264 §5.1, §6).</summary>
    public int Port { get; set; }
    /// <summary>Number of ports (the "/2" in "49170/2"); 1 when absent.</summary>
    public int PortCount { get; set; }
    /// <summary>"RTP/AVP", "RTP/SAVP", "udp", ...</summary>
    public string Protocol { get; set; }
    /// <summary>Format list: payload type numbers for RTP.</summary>
    public List<string> Formats { get; }
    public string? Information { get; set; }
    public SdpConnection? Connection { get; set; }
    public List<SdpBandwidth> Bandwidths { get; } = [];
    public List<SdpAttribute> Attributes { get; } = [];

    public bool IsRejected => Port == 0;

    /// <summary>The first attribute of that name (case-sensitive per RFC 8866), or null.</summary>
    public SdpAttribute? GetAttribute(string name) => Attributes.Find(a => a.Name == name);

    /// <summary>The media-level direction, or <paramref name="sessionDefault"/> when none is given.</summary>
    public MediaDirection GetDirection(MediaDirection sessionDefault = MediaDirection.SendRecv)
    {
        foreach (var a in Attributes)
        {
            if (a.Value is null && MediaDirections.FromAttribute(a.Name) is { } d)
            {
                return d;
            }
        }

        return sessionDefault;
    }

    /// <summary>Replaces any direction attribute with <paramref name="direction"/>.</summary>
    public void SetDirection(MediaDirection direction)
    {
        Attributes.RemoveAll(a => a.Value is null && MediaDirections.FromAttribute(a.Name) is not null);
        Attributes.Add(new SdpAttribute(direction.ToAttribute(), null));
    }

    /// <summary>a=ptime in milliseconds when present and well-formed.</summary>
    public int? Ptime =>
        GetAttribute("ptime")?.Value is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
        && p is > 0 and <= 1000 ? p : null;

    /// <summary>The rtpmap lines that parse; malformed ones are skipped (they were reported by the parser's lenient mode).</summary>
    public IEnumerable<SdpRtpMap> RtpMaps
    {
        get
        {
            foreach (var a in Attributes)
            {
                if (a.Name == "rtpmap" && a.Value is { } v && SdpParser.TryParseRtpMap(v, out var map))
                {
                    yield return map;
                }
            }
        }
    }

    /// <summary>a=fmtp value for a payload type, or null.</summary>
    public string? GetFmtp(int payloadType)
    {
        string prefix = payloadType.ToString(CultureInfo.InvariantCulture) + " ";
        foreach (var a in Attributes)
        {
            if (a.Name == "fmtp" && a.Value is { } v && v.StartsWith(prefix, StringComparison.Ordinal))
            {
                return v[prefix.Length..].Trim();
            }
        }

        return null;
    }

    internal void Format(StringBuilder sb)
    {
        sb.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (PortCount > 1)
        {
            sb.Append('/').Append(PortCount.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(' ').Append(Protocol);
        foreach (var f in Formats)
        {
            sb.Append(' ').Append(f);
        }

        sb.Append("\r\n");
        if (Information is not null)
        {
            sb.Append("i=").Append(Information).Append("\r\n");
        }

        if (Connection is not null)
        {
            sb.Append("c=").Append(Connection.Format()).Append("\r\n");
        }

        foreach (var b in Bandwidths)
        {
            sb.Append("b=").Append(b.Type).Append(':').Append(b.Value.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a.Format()).Append("\r\n");
        }
    }
}

/// <summary>A whole SDP session description (RFC 8866 §5).</summary>
public sealed class SessionDescription
{
    public SessionDescription(SdpOrigin origin, string sessionName = "-")
    {
        Origin = origin;
        SessionName = sessionName;
    }

    public int Version { get; set; }
    public SdpOrigin Origin { get; set; }
    public string SessionName { get; set; }
    public string? Information { get; set; }
    public SdpConnection? Connection { get; set; }
    public List<SdpBandwidth> Bandwidths { get; } = [];
    /// <summary>The t= lines as written ("0 0" when none were given).</summary>
    public List<string> Timing { get; } = [];
    /// <summary>Other session-level lines kept verbatim (u=, e=, p=, r=, z=, k=) as (type, value).</summary>
    public List<KeyValuePair<char, string>> OtherLines { get; } = [];
    public List<SdpAttribute> Attributes { get; } = [];
    public List<SdpMediaDescription> MediaDescriptions { get; } = [];

    /// <summary>The session-level direction attribute, sendrecv when absent (RFC 8866 §6.7).</summary>
    public MediaDirection Direction
    {
        get
        {
            foreach (var a in Attributes)
            {
                if (a.Value is null && MediaDirections.FromAttribute(a.Name) is { } d)
                {
                    return d;
                }
            }

            return MediaDirection.SendRecv;
        }
    }

    /// <summary>The connection that applies to a media section: media-level c= overrides session-level.</summary>
    public SdpConnection? ConnectionFor(SdpMediaDescription media) => media.Connection ?? Connection;

    /// <summary>Parses an SDP body; never throws for bad input.</summary>
    public static SdpParseResult Parse(string text) => SdpParser.Parse(text);

    /// <summary>Formats the description with CRLF line ends.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(512);
        sb.Append("v=").Append(Version.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("o=").Append(Origin.Format()).Append("\r\n");
        sb.Append("s=").Append(SessionName.Length == 0 ? "-" : SessionName).Append("\r\n");
        if (Information is not null)
        {
            sb.Append("i=").Append(Information).Append("\r\n");
        }

        foreach (var kv in OtherLines.Where(l => l.Key is 'u' or 'e' or 'p'))
        {
            sb.Append(kv.Key).Append('=').Append(kv.Value).Append("\r\n");
        }

        if (Connection is not null)
        {
            sb.Append("c=").Append(Connection.Format()).Append("\r\n");
        }

        foreach (var b in Bandwidths)
        {
            sb.Append("b=").Append(b.Type).Append(':').Append(b.Value.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (Timing.Count == 0)
        {
            sb.Append("t=0 0\r\n");
        }

        foreach (var t in Timing)
        {
            sb.Append("t=").Append(t).Append("\r\n");
        }

        foreach (var kv in OtherLines.Where(l => l.Key is not ('u' or 'e' or 'p')))
        {
            sb.Append(kv.Key).Append('=').Append(kv.Value).Append("\r\n");
        }

        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a.Format()).Append("\r\n");
        }

        foreach (var m in MediaDescriptions)
        {
            m.Format(sb);
        }

        return sb.ToString();
    }
}
