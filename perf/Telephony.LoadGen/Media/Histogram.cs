namespace Telephony.LoadGen.Media;

/// <summary>Lock-free histogram of durations in 10 µs buckets up to 5 s.</summary>
internal sealed class Histogram
{
    private const long MaxMicros = 5_000_000;
    private const int BucketMicros = 10;
    private readonly long[] _buckets = new long[(MaxMicros / BucketMicros) + 1];
    private long _maxMicros;

    public double MaxMs => Interlocked.Read(ref _maxMicros) / 1000.0;

    public void AddMicros(long micros)
    {
        micros = Math.Max(micros, 0);
        long bucket = Math.Min(micros / BucketMicros, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[bucket]);
        long seen;
        while (micros > (seen = Interlocked.Read(ref _maxMicros)) && Interlocked.CompareExchange(ref _maxMicros, micros, seen) != seen)
        {
        }
    }

    /// <summary>The upper edge of the bucket holding the p-quantile, in ms.</summary>
    public double PercentileMs(double p)
    {
        long total = _buckets.Sum();
        if (total == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(p * total);
        long running = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            running += _buckets[i];
            if (running >= rank)
            {
                return (i + 1) * BucketMicros / 1000.0;
            }
        }

        return MaxMicros / 1000.0;
    }
}
