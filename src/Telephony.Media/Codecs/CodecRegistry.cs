using System.Diagnostics.CodeAnalysis;

namespace Telephony.Media.Codecs;

/// <summary>
/// Finds a codec by its SDP rtpmap encoding name and clock rate (RFC 8866 §6.6) or by static
/// payload type (RFC 3551 §6). Returns a fresh instance for stateful codecs (G.722), so each
/// stream direction owns its codec state; stateless G.711 instances are shared.
/// </summary>
public sealed class CodecRegistry
{
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, Entry> _byStaticPayloadType = [];

    /// <summary>A registry knowing PCMU/8000 (0), PCMA/8000 (8) and G722/8000 (9).</summary>
    public static CodecRegistry Default { get; } = CreateDefault();

    public static CodecRegistry CreateDefault()
    {
        var registry = new CodecRegistry();
        registry.Register("PCMU", 8000, 0, () => PcmuCodec.Instance);
        registry.Register("PCMA", 8000, 8, () => PcmaCodec.Instance);
        registry.Register("G722", 8000, 9, () => new G722AudioCodec());
        return registry;
    }

    /// <summary>Encoding names known, in registration order of preference.</summary>
    public IReadOnlyCollection<string> EncodingNames => _byName.Keys;

    public void Register(string encodingName, int rtpClockRate, int? staticPayloadType, Func<IAudioCodec> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(encodingName);
        ArgumentNullException.ThrowIfNull(factory);
        var entry = new Entry(encodingName, rtpClockRate, factory);
        _byName[encodingName] = entry;
        if (staticPayloadType is int pt)
            _byStaticPayloadType[pt] = entry;
    }

    /// <summary>Codec for an rtpmap line's encoding name and clock rate; false when unknown or the rate does not match.</summary>
    public bool TryCreate(string encodingName, int rtpClockRate, [NotNullWhen(true)] out IAudioCodec? codec)
    {
        codec = null;
        if (!_byName.TryGetValue(encodingName, out var entry) || entry.ClockRate != rtpClockRate)
            return false;
        codec = entry.Factory();
        return true;
    }

    /// <summary>Codec for a static payload type used without rtpmap (RFC 3551 §6); false for dynamic/unknown types.</summary>
    public bool TryCreate(int staticPayloadType, [NotNullWhen(true)] out IAudioCodec? codec)
    {
        codec = null;
        if (!_byStaticPayloadType.TryGetValue(staticPayloadType, out var entry))
            return false;
        codec = entry.Factory();
        return true;
    }

    public bool IsKnown(string encodingName, int rtpClockRate) =>
        _byName.TryGetValue(encodingName, out var entry) && entry.ClockRate == rtpClockRate;

    private sealed record Entry(string Name, int ClockRate, Func<IAudioCodec> Factory);
}
