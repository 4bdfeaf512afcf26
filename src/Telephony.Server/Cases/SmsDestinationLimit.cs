using Telephony.Server.Http;

namespace Telephony.Server.Cases;

/// <summary>
/// The anonymous web form sends an SMS acknowledgement to whatever phone number it is given; besides the
/// per-address request budget (<see cref="AnonymousRateLimit"/>), which many addresses get around, each
/// destination number gets at most <c>RateLimit:SmsPerNumberPerHour</c> form acknowledgements per hour,
/// so the form cannot be used to flood one person's phone. The table is bounded (<see cref="RecentCounts{TKey}"/>).
/// </summary>
public sealed class SmsDestinationLimit(TimeProvider time, RateLimitSettings settings)
{
    public const int MaxTrackedNumbers = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly RecentCounts<string> _sent = new(time, Window, MaxTrackedNumbers);

    /// <summary>True when another acknowledgement to <paramref name="phone"/> is within the limit (true for no number).</summary>
    public bool Allows(string? phone) => Key(phone) is not { } key || _sent.CountOf(key) < settings.SmsPerNumberPerHour;

    /// <summary>Counts an acknowledgement sent to <paramref name="phone"/>.</summary>
    public void Sent(string? phone)
    {
        if (Key(phone) is { } key)
        {
            _sent.Add(key);
        }
    }

    // The last 11 digits (a mainland mobile number; a landline with its area code): "+86 138-1234-5678",
    // "008613812345678" and "13812345678" are one phone. Two numbers that differ only before those
    // digits share a budget, which errs on the strict side.
    private static string? Key(string? phone)
    {
        var digits = phone is null ? "" : string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length == 0 ? null : digits[Math.Max(0, digits.Length - KeyDigits)..];
    }

    private const int KeyDigits = 11;
}
