namespace Telephony.Calls;

/// <summary>
/// Lets one log line through per interval and counts the ones it held back, for a line that would otherwise
/// repeat once per call exactly when the node is past capacity (and logging is the last thing it can afford).
/// </summary>
internal sealed class OncePerInterval(TimeSpan interval)
{
    private long _next; // TimeProvider timestamp before which lines are held back; 0: the first passes
    private long _suppressed;

    /// <summary>True when this line may be logged; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool ShouldLog(TimeProvider time, out long suppressed)
    {
        long now = time.GetTimestamp();
        long next = Interlocked.Read(ref _next);
        if (now < next || Interlocked.CompareExchange(ref _next, now + (long)(interval.TotalSeconds * time.TimestampFrequency), next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }
        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
