using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Telephony.Media.Srtp;

namespace Telephony.Media.Sdp;

/// <summary>What this endpoint offers and accepts.</summary>
public sealed class SdpNegotiatorOptions
{
    /// <summary>Audio codecs we support, in our order of preference (used for our offers).</summary>
    public IReadOnlyList<string> Codecs { get; init; } = ["PCMU", "PCMA", "G722"];
    /// <summary>Whether we offer/accept RFC 4733 telephone-event.</summary>
    public bool TelephoneEvent { get; init; } = true;
    /// <summary>Dynamic payload type we use for telephone-event in our own offers.</summary>
    public int TelephoneEventPayloadType { get; init; } = 101;
    /// <summary>Packetization time we send with (the media clock's 20 ms).</summary>
    public int Ptime { get; init; } = 20;
    /// <summary>o= user name.</summary>
    public string UserName { get; init; } = "telephony";
    /// <summary>
    /// Our offers are RTP/SAVP with SDES keys (RFC 4568) instead of RTP/AVP. Answers follow the offer
    /// whatever this says: an RTP/SAVP offer is answered with SRTP, an RTP/AVP offer with plain RTP.
    /// </summary>
    public bool OfferSrtp { get; init; }

    /// <summary>
    /// The m= line's transport for WebRTC, UDP/TLS/RTP/SAVPF (RFC 8829 §5.1.2), where ICE finds the address, so
    /// c=0.0.0.0 means "no candidate yet", not hold (RFC 8839 §4.2.1), and only that transport is accepted.
    /// Left at RTP/AVP, a SIP leg: RTP/AVP or RTP/SAVP as <see cref="OfferSrtp"/> and the offer say.
    /// </summary>
    public string Protocol { get; init; } = "RTP/AVP";

    internal bool AddressFromIce => Protocol.StartsWith("UDP/TLS/", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The agreed audio stream of one offer/answer exchange, seen from our side.</summary>
public sealed class NegotiatedAudio
{
    /// <summary>Index of the m= line carrying this stream.</summary>
    public required int MediaIndex { get; init; }
    /// <summary>Codec encoding name in canonical case: PCMU, PCMA or G722.</summary>
    public required string EncodingName { get; init; }
    /// <summary>Payload type of the codec (the peer's number; we send and accept it).</summary>
    public required int PayloadType { get; init; }
    /// <summary>RTP clock rate of the codec (8000 for all three, RFC 3551 §4.5.2).</summary>
    public required int ClockRate { get; init; }
    /// <summary>Telephone-event PT we send DTMF with (the peer's number), or null when none was agreed.</summary>
    public int? TelephoneEventPayloadType { get; init; }
    /// <summary>Every telephone-event PT the peer listed; a peer may send with any of them.</summary>
    public IReadOnlyList<int> PeerTelephoneEventPayloadTypes { get; init; } = [];
    /// <summary>The peer's a=ptime, or 20 ms when it gave none.</summary>
    public int PeerPtime { get; init; } = 20;
    /// <summary>What we do on this stream after the exchange.</summary>
    public required MediaDirection LocalDirection { get; init; }
    /// <summary>The direction the peer declared.</summary>
    public required MediaDirection RemoteDirection { get; init; }
    /// <summary>Where to send RTP; null when the peer gave c=0.0.0.0 (RFC 2543 hold).</summary>
    public IPEndPoint? RemoteRtp { get; init; }
    /// <summary>Where to send RTCP (a=rtcp, RFC 3605, else RTP port + 1).</summary>
    public IPEndPoint? RemoteRtcp { get; init; }
    /// <summary>The SDES keys when the stream is RTP/SAVP (RFC 4568), null for plain RTP/AVP.</summary>
    public NegotiatedSrtp? Srtp { get; init; }
    /// <summary>The peer's address comes from ICE (WebRTC), not from c=: a null <see cref="RemoteRtp"/> is no hold.</summary>
    public bool AddressFromIce { get; init; }

    /// <summary>The peer put us on hold (it will not receive from us).</summary>
    public bool RemoteHold => !LocalDirection.Sends();

    /// <summary>Whether <paramref name="payloadType"/> is telephone-event on this stream.</summary>
    public bool IsTelephoneEvent(int payloadType) =>
        payloadType == TelephoneEventPayloadType || PeerTelephoneEventPayloadTypes.Contains(payloadType);
}

/// <summary>Outcome of producing or applying an answer: the agreed stream, or an error for a 488.</summary>
public sealed class OfferAnswerResult
{
    private OfferAnswerResult(SessionDescription? answer, NegotiatedAudio? audio, string? error)
    {
        Answer = answer;
        Audio = audio;
        Error = error;
    }

    /// <summary>Our answer (when we answered an offer).</summary>
    public SessionDescription? Answer { get; }
    public NegotiatedAudio? Audio { get; }
    /// <summary>Why negotiation failed (send 488 Not Acceptable Here with this as Warning text).</summary>
    public string? Error { get; }
    public bool Success => Error is null && Audio is not null;

    internal static OfferAnswerResult Ok(SessionDescription? answer, NegotiatedAudio audio) => new(answer, audio, null);
    internal static OfferAnswerResult Fail(string error) => new(null, null, error);
}

/// <summary>
/// RFC 3264 offer/answer for one call's audio. Keeps our o= line (its version increases
/// whenever our SDP changes, §8) and our last offer so an answer can be checked against it.
/// Not thread-safe: one call's mailbox drives it.
/// </summary>
public sealed class SdpNegotiator
{
    private static readonly (string Name, int Pt)[] StaticAudio = [("PCMU", 0), ("PCMA", 8), ("G722", 9)];

    private const string PlainProfile = "RTP/AVP";
    private const string SecureProfile = "RTP/SAVP";

    private readonly SdpNegotiatorOptions _options;
    // Our SDES master key and salt, made on first use and the same in every later offer or answer of the
    // call: the SIP layer repeats our last SDP for a re-INVITE, and a key must never restart its counters.
    private byte[]? _localKeySalt;
    private ulong _version;
    private string? _lastBodyWithoutOrigin;
    private SessionDescription? _pendingOffer;

    public SdpNegotiator(SdpNegotiatorOptions options, IPAddress localAddress, int localRtpPort)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localRtpPort);
        _options = options;
        LocalAddress = localAddress;
        LocalRtpPort = localRtpPort;
        SessionId = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        _version = (ulong)Random.Shared.Next(1, 1 << 20);
    }

    public IPAddress LocalAddress { get; set; }
    public int LocalRtpPort { get; set; }
    public ulong SessionId { get; }
    /// <summary>The o= version of the last SDP we produced.</summary>
    public ulong SessionVersion => _version;

    /// <summary>Builds an offer with our codecs (and telephone-event) in preference order.</summary>
    public SessionDescription CreateOffer(MediaDirection direction = MediaDirection.SendRecv)
    {
        var profile = _options.AddressFromIce ? _options.Protocol : _options.OfferSrtp ? SecureProfile : PlainProfile;
        var m = new SdpMediaDescription("audio", LocalRtpPort, 1, profile, []);
        foreach (string codec in _options.Codecs)
        {
            int pt = StaticPayloadType(codec) ?? throw new InvalidOperationException($"unsupported codec {codec}");
            m.Formats.Add(pt.ToString(CultureInfo.InvariantCulture));
            m.Attributes.Add(new SdpAttribute("rtpmap", $"{pt} {codec}/8000"));
        }

        if (_options.TelephoneEvent)
        {
            int te = _options.TelephoneEventPayloadType;
            m.Formats.Add(te.ToString(CultureInfo.InvariantCulture));
            m.Attributes.Add(new SdpAttribute("rtpmap", $"{te} telephone-event/8000"));
            m.Attributes.Add(new SdpAttribute("fmtp", $"{te} 0-16"));
        }

        m.Attributes.Add(new SdpAttribute("ptime", _options.Ptime.ToString(CultureInfo.InvariantCulture)));
        if (_options.OfferSrtp)
        {
            // Both suites, the default first (RFC 4568 §7.1.1: in order of preference), one key of ours.
            m.Attributes.Add(new SdpAttribute("crypto", LocalCrypto(1, SrtpSuite.AesCm128HmacSha1_80).Format()));
            m.Attributes.Add(new SdpAttribute("crypto", LocalCrypto(2, SrtpSuite.AesCm128HmacSha1_32).Format()));
        }
        m.SetDirection(direction);
        var offer = Stamp(m);
        _pendingOffer = offer;
        return offer;
    }

    /// <summary>Parses and answers an offer body; a parse error becomes a failed result.</summary>
    public OfferAnswerResult Answer(string offerBody, MediaDirection wanted = MediaDirection.SendRecv)
    {
        var parsed = SdpParser.Parse(offerBody);
        return parsed.Success ? Answer(parsed.Description!, wanted) : OfferAnswerResult.Fail(parsed.Error!);
    }

    /// <summary>
    /// Answers an offer (RFC 3264 §6): every m= line gets an answer line; the first usable audio
    /// stream is accepted with one codec (the offerer's most preferred one we support, §6.1) plus
    /// telephone-event with the offerer's PT; everything else is rejected with port 0.
    /// </summary>
    public OfferAnswerResult Answer(SessionDescription offer, MediaDirection wanted = MediaDirection.SendRecv)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (offer.MediaDescriptions.Count == 0)
        {
            return OfferAnswerResult.Fail("offer has no m= line");
        }

        _pendingOffer = null; // an offer from the peer replaces any of ours (glare is the SIP layer's business)
        NegotiatedAudio? audio = null;
        string? firstReason = null;
        var answerLines = new List<SdpMediaDescription>(offer.MediaDescriptions.Count);
        for (int i = 0; i < offer.MediaDescriptions.Count; i++)
        {
            var om = offer.MediaDescriptions[i];
            string? reason = audio is not null ? "only one audio stream is supported" : null;
            NegotiatedAudio? candidate = null;
            if (reason is null)
            {
                candidate = TryAcceptAudio(offer, om, i, wanted, out reason);
            }

            if (candidate is null)
            {
                firstReason ??= reason;
                answerLines.Add(Rejected(om));
                continue;
            }

            audio = candidate;
            var am = new SdpMediaDescription("audio", LocalRtpPort, 1, om.Protocol, []);
            am.Formats.Add(candidate.PayloadType.ToString(CultureInfo.InvariantCulture));
            am.Attributes.Add(new SdpAttribute("rtpmap", $"{candidate.PayloadType} {candidate.EncodingName}/{candidate.ClockRate}"));
            if (candidate.TelephoneEventPayloadType is int te)
            {
                am.Formats.Add(te.ToString(CultureInfo.InvariantCulture));
                am.Attributes.Add(new SdpAttribute("rtpmap", $"{te} telephone-event/8000"));
                am.Attributes.Add(new SdpAttribute("fmtp", $"{te} {om.GetFmtp(te) ?? "0-15"}"));
            }

            am.Attributes.Add(new SdpAttribute("ptime", _options.Ptime.ToString(CultureInfo.InvariantCulture)));
            if (candidate.Srtp is { } srtp)
            {
                // RFC 4568 §7.1.2: one a=crypto line, the offer's tag and suite, our own key.
                am.Attributes.Add(new SdpAttribute("crypto", srtp.Local.Format()));
            }
            am.SetDirection(candidate.LocalDirection);
            answerLines.Add(am);
        }

        if (audio is null)
        {
            return OfferAnswerResult.Fail($"no acceptable audio stream: {firstReason}");
        }

        return OfferAnswerResult.Ok(Stamp([.. answerLines]), audio);
    }

    /// <summary>Parses and applies the peer's answer to our last offer.</summary>
    public OfferAnswerResult AcceptAnswer(string answerBody)
    {
        var parsed = SdpParser.Parse(answerBody);
        return parsed.Success ? AcceptAnswer(parsed.Description!) : OfferAnswerResult.Fail(parsed.Error!);
    }

    /// <summary>Applies the peer's answer to our last offer (RFC 3264 §7).</summary>
    public OfferAnswerResult AcceptAnswer(SessionDescription answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var offer = _pendingOffer;
        if (offer is null)
        {
            return OfferAnswerResult.Fail("answer received without an outstanding offer");
        }

        if (answer.MediaDescriptions.Count != offer.MediaDescriptions.Count)
        {
            return OfferAnswerResult.Fail(
                $"answer has {answer.MediaDescriptions.Count} m= lines, the offer had {offer.MediaDescriptions.Count} (RFC 3264 §6)");
        }

        var om = offer.MediaDescriptions[0];
        var am = answer.MediaDescriptions[0];
        if (am.IsRejected)
        {
            return OfferAnswerResult.Fail("the peer rejected the audio stream");
        }

        var result = TryAcceptAudio(answer, am, 0, om.GetDirection(), out string? reason, offered: om);
        if (result is null)
        {
            return OfferAnswerResult.Fail($"unusable answer: {reason}");
        }

        _pendingOffer = null;
        return OfferAnswerResult.Ok(null, result);
    }

    /// <summary>
    /// Reads one m= line of the peer's SDP. <paramref name="wanted"/> is our wish (answering)
    /// or our offered direction (when reading an answer to <paramref name="offered"/>, our m= line).
    /// </summary>
    private NegotiatedAudio? TryAcceptAudio(
        SessionDescription peer, SdpMediaDescription m, int index, MediaDirection wanted, out string? reason,
        SdpMediaDescription? offered = null)
    {
        var offeredNames = offered is null ? null : Names(offered);
        if (m.IsRejected)
        {
            reason = $"m= line {index} has port 0";
            return null;
        }

        if (m.Media != "audio")
        {
            reason = $"m= line {index} is {m.Media}, not audio";
            return null;
        }

        if (_options.AddressFromIce && !m.Protocol.Equals(_options.Protocol, StringComparison.OrdinalIgnoreCase))
        {
            reason = $"m= line {index} uses {SdesCrypto.Safe(m.Protocol)}; only {_options.Protocol} is supported";
            return null;
        }

        bool secure = !_options.AddressFromIce && m.Protocol.Equals(SecureProfile, StringComparison.OrdinalIgnoreCase);
        if (!_options.AddressFromIce && !secure && !m.Protocol.Equals(PlainProfile, StringComparison.OrdinalIgnoreCase))
        {
            reason = $"m= line {index} uses {SdesCrypto.Safe(m.Protocol)}; only RTP/AVP and RTP/SAVP are supported";
            return null;
        }

        if (!_options.AddressFromIce && offered is not null && secure != offered.Protocol.Equals(SecureProfile, StringComparison.OrdinalIgnoreCase))
        {
            reason = $"m= line {index} answers {offered.Protocol} with {SdesCrypto.Safe(m.Protocol)} (RFC 3264 §6: the same transport)";
            return null;
        }

        NegotiatedSrtp? srtp = null;
        if (secure && (srtp = offered is null ? ChooseCrypto(m, index, out reason) : ReadAnsweredCrypto(m, offered, index, out reason)) is null)
        {
            return null;
        }

        var connection = peer.ConnectionFor(m);
        if (connection is null)
        {
            reason = $"m= line {index} has no c= line at media or session level";
            return null;
        }

        var ip = connection.IPAddress;
        if (ip is null)
        {
            reason = $"c= address '{connection.Address}' is a host name; an IP address is required";
            return null;
        }

        bool nullAddress = connection.IsNullAddress;
        bool holdByAddress = nullAddress && !_options.AddressFromIce;
        if (!nullAddress && !_options.AddressFromIce && ip.AddressFamily != LocalAddress.AddressFamily)
        {
            reason = $"c= address {ip} is {(ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}; our media address {LocalAddress} is not";
            return null;
        }

        var maps = new Dictionary<int, SdpRtpMap>();
        foreach (var map in m.RtpMaps)
        {
            maps.TryAdd(map.PayloadType, map);
        }

        string? codec = null;
        int codecPt = -1;
        var telephoneEvents = new List<(int Pt, int Rate)>();
        foreach (string f in m.Formats)
        {
            if (!SdpParser.TryParseInt(f, 0, 127, out int pt))
            {
                continue;
            }

            string? name;
            int rate;
            if (maps.TryGetValue(pt, out var rm))
            {
                name = rm.EncodingName;
                rate = rm.ClockRate;
            }
            else
            {
                // RFC 3551 static types may come without rtpmap (RFC 8866 §6.6).
                name = StaticAudio.FirstOrDefault(s => s.Pt == pt).Name;
                rate = 8000;
            }

            if (name is null)
            {
                continue;
            }

            if (name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase))
            {
                telephoneEvents.Add((pt, rate));
                continue;
            }

            string? canonical = _options.Codecs.FirstOrDefault(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (codec is null && canonical is not null && rate == 8000
                && (offeredNames is null || offeredNames.Contains(canonical)))
            {
                codec = canonical;
                codecPt = pt;
            }
        }

        if (codec is null)
        {
            reason = $"m= line {index} offers no codec we support ({string.Join(", ", _options.Codecs)})";
            return null;
        }

        // RFC 4733 §7.1.1: telephone-event runs at the audio codec's RTP clock (8000 for ours);
        // a 16000 Hz event format alone cannot be used with them.
        int? tePt = null;
        if (_options.TelephoneEvent)
        {
            int narrowband = telephoneEvents.FindIndex(t => t.Rate == 8000);
            tePt = narrowband >= 0 ? telephoneEvents[narrowband].Pt : null;
        }

        var remoteDirection = m.GetDirection(peer.Direction);
        if (holdByAddress && remoteDirection.Receives())
        {
            // c=0.0.0.0: the old way to say "do not send to me" (RFC 3264 §8.4).
            remoteDirection = remoteDirection == MediaDirection.SendRecv ? MediaDirection.SendOnly : MediaDirection.Inactive;
        }

        var local = remoteDirection.AnswerTo(wanted);
        IPEndPoint? rtp = nullAddress ? null : new IPEndPoint(ip, m.Port);
        IPEndPoint? rtcp = nullAddress ? null : RtcpEndPoint(m, ip);

        reason = null;
        return new NegotiatedAudio
        {
            MediaIndex = index,
            EncodingName = codec,
            PayloadType = codecPt,
            ClockRate = 8000,
            TelephoneEventPayloadType = tePt,
            PeerTelephoneEventPayloadTypes = telephoneEvents.ConvertAll(t => t.Pt),
            PeerPtime = m.Ptime ?? 20,
            LocalDirection = local,
            RemoteDirection = remoteDirection,
            RemoteRtp = rtp,
            RemoteRtcp = rtcp,
            Srtp = srtp,
            AddressFromIce = _options.AddressFromIce,
        };
    }

    // Answering RTP/SAVP (RFC 4568 §7.1.2): the first a=crypto line we can honour, in the offerer's order.
    // When none can be, the reason is the first line's (the offerer's preferred) so the 488 says why.
    private NegotiatedSrtp? ChooseCrypto(SdpMediaDescription m, int index, out string? reason)
    {
        string? first = null;
        int lines = 0;
        foreach (var a in m.Attributes)
        {
            if (a.Name != "crypto")
            {
                continue;
            }
            lines++;
            var peer = SdesCrypto.Parse(a.Value, out string? problem);
            if (peer is not null)
            {
                reason = null;
                return new NegotiatedSrtp(LocalCrypto(peer.Tag, peer.Suite), peer);
            }
            first ??= problem;
        }
        reason = lines == 0
            ? $"m= line {index} is RTP/SAVP without an a=crypto line (we key SRTP by SDES, RFC 4568)"
            : $"m= line {index}: no a=crypto line we can honour: {first}";
        return null;
    }

    // Reading the answer to our RTP/SAVP offer: exactly the tag and suite of one of our lines (§7.1.3).
    private NegotiatedSrtp? ReadAnsweredCrypto(SdpMediaDescription m, SdpMediaDescription offered, int index, out string? reason)
    {
        var answered = m.Attributes.Where(a => a.Name == "crypto").ToList();
        if (answered.Count != 1)
        {
            reason = $"m= line {index}: an RTP/SAVP answer needs exactly one a=crypto line, it has {answered.Count}";
            return null;
        }
        var peer = SdesCrypto.Parse(answered[0].Value, out reason);
        if (peer is null)
        {
            return null;
        }
        foreach (var a in offered.Attributes)
        {
            if (a.Name == "crypto" && SdesCrypto.Parse(a.Value, out _) is { } ours && ours.Tag == peer.Tag && ours.Suite == peer.Suite)
            {
                reason = null;
                return new NegotiatedSrtp(ours, peer);
            }
        }
        reason = $"m= line {index}: the answer's a=crypto tag {peer.Tag} ({peer.Suite.SdesName()}) is not one we offered";
        return null;
    }

    private SdesCrypto LocalCrypto(int tag, SrtpSuite suite) =>
        SdesCrypto.Create(tag, suite, _localKeySalt ??= RandomNumberGenerator.GetBytes(SrtpSuites.MasterKeyLength + SrtpSuites.MasterSaltLength));

    private static IPEndPoint RtcpEndPoint(SdpMediaDescription m, IPAddress rtpAddress)
    {
        // a=rtcp:<port> [IN IP4 <address>] (RFC 3605 §2.1)
        if (m.GetAttribute("rtcp")?.Value is { } v)
        {
            var f = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 1 && SdpParser.TryParseInt(f[0], 1, 65535, out int port))
            {
                var address = f.Length == 4 && IPAddress.TryParse(f[3], out var a) && a.AddressFamily == rtpAddress.AddressFamily
                    ? a : rtpAddress;
                return new IPEndPoint(address, port);
            }
        }

        return new IPEndPoint(rtpAddress, m.Port == 65535 ? m.Port : m.Port + 1);
    }

    private static SdpMediaDescription Rejected(SdpMediaDescription offered)
    {
        // RFC 3264 §6: a rejected stream keeps its media type and protocol, port 0, at least one format.
        var formats = offered.Formats.Count > 0 ? offered.Formats.Take(1) : ["0"];
        return new SdpMediaDescription(offered.Media, 0, 1, offered.Protocol, formats);
    }

    private static HashSet<string> Names(SdpMediaDescription m)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var map in m.RtpMaps)
        {
            names.Add(map.EncodingName);
        }

        return names;
    }

    private static int? StaticPayloadType(string codec)
    {
        foreach (var (name, pt) in StaticAudio)
        {
            if (name.Equals(codec, StringComparison.OrdinalIgnoreCase))
            {
                return pt;
            }
        }

        return null;
    }

    private SessionDescription Stamp(params SdpMediaDescription[] media)
    {
        var sd = new SessionDescription(new SdpOrigin(_options.UserName, SessionId, _version, "IN",
            LocalAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4", LocalAddress.ToString()), "-")
        {
            Connection = SdpConnection.For(LocalAddress),
        };
        sd.Timing.Add("0 0");
        sd.MediaDescriptions.AddRange(media);

        // RFC 3264 §8: the version goes up by one whenever the description changes, else stays.
        string body = sd.ToString();
        string withoutOrigin = body[body.IndexOf("\r\ns=", StringComparison.Ordinal)..];
        if (_lastBodyWithoutOrigin is not null && withoutOrigin != _lastBodyWithoutOrigin)
        {
            _version++;
            sd.Origin = sd.Origin with { SessionVersion = _version };
        }

        _lastBodyWithoutOrigin = withoutOrigin;
        return sd;
    }
}
