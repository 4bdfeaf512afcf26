namespace Telephony.Media.Tests.Dtmf;

/// <summary>Test signals for DTMF detection: key tones (ITU-T Q.23 pairs), silence, a voiced speech-like sound.</summary>
internal static class DtmfSignals
{
    public static readonly Dictionary<char, (double Low, double High)> Freq = new()
    {
        ['1'] = (697, 1209), ['2'] = (697, 1336), ['3'] = (697, 1477), ['A'] = (697, 1633),
        ['4'] = (770, 1209), ['5'] = (770, 1336), ['6'] = (770, 1477), ['B'] = (770, 1633),
        ['7'] = (852, 1209), ['8'] = (852, 1336), ['9'] = (852, 1477), ['C'] = (852, 1633),
        ['*'] = (941, 1209), ['0'] = (941, 1336), ['#'] = (941, 1477), ['D'] = (941, 1633),
    };

    public static List<char> Detect(IEnumerable<short> samples)
    {
        var digits = new List<char>();
        var det = new GoertzelDtmfDetector(e => digits.Add(e.Digit));
        var all = samples.ToArray();
        for (int i = 0; i + 160 <= all.Length; i += 160)
            det.WriteFrame(all.AsSpan(i, 160));
        return digits;
    }

    public static short[] Key(char digit, int ms, double lowAmp = 6000, double highAmp = 6000)
    {
        int n = 8 * ms;
        var (lo, hi) = Freq[digit];
        var pcm = new short[n];
        for (int i = 0; i < n; i++)
            pcm[i] = (short)(lowAmp * Math.Sin(2 * Math.PI * lo * i / 8000) + highAmp * Math.Sin(2 * Math.PI * hi * i / 8000));
        return pcm;
    }

    public static short[] Silence(int ms) => new short[8 * ms];

    /// <summary>Harmonic-rich voiced sound (fundamental 140 Hz, 20 harmonics) passing near DTMF frequencies.</summary>
    public static short[] Voiced(int samples)
    {
        var voiced = new short[samples];
        for (int i = 0; i < voiced.Length; i++)
        {
            double v = 0;
            for (int h = 1; h <= 20; h++)
                v += 2500.0 / h * Math.Sin(2 * Math.PI * 140 * h * i / 8000 + h);
            voiced[i] = (short)Math.Clamp(v, short.MinValue, short.MaxValue);
        }
        return voiced;
    }
}
