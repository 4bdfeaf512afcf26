using Telephony.Testing.Phones;

namespace Telephony.Testing.Audio;

/// <summary>
/// Who hears whom in a call where each party sends its own steady tone: a tone counts as heard
/// when it is within 20 dB of the strongest of the parties' tones.
/// </summary>
public sealed class ThreePartyHearing(params double[] tones)
{
    public bool Hears(short[] heard, double hz)
    {
        double strongest = tones.Max(f => ToneCheck.Power(heard, f));
        return strongest > 0 && ToneCheck.Power(heard, hz) > strongest / 100;
    }

    public string Describe(short[] heard) => string.Join(", ", tones.Select(f => $"{f} Hz: {ToneCheck.Power(heard, f):E1}"));

    /// <summary>Listens a second on <paramref name="phone"/>: exactly the <paramref name="expected"/> tones of the others are heard.</summary>
    public async Task ExpectAsync(TestPhone phone, string who, params double[] expected)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var heard = await phone.ListenAsync();
        Assert.That(heard.Length, Is.GreaterThan(4000), $"{who} receives audio");
        foreach (double hz in tones.Where(f => f != phone.ToneHz))
        {
            Assert.That(Hears(heard, hz), Is.EqualTo(expected.Contains(hz)), $"{who} {(expected.Contains(hz) ? "hears" : "does not hear")} {hz} Hz ({Describe(heard)})");
        }
    }
}
