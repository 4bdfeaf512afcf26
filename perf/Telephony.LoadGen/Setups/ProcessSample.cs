using System.Globalization;

namespace Telephony.LoadGen.Setups;

/// <summary>
/// CPU seconds (user + system) and resident memory of a process, read from /proc/&lt;pid&gt;/stat and
/// /proc/&lt;pid&gt;/status (proc(5)): utime and stime are fields 14 and 15, in clock ticks.
/// </summary>
internal readonly record struct ProcessSample(double CpuSeconds, long RssKiB)
{
    // sysconf(_SC_CLK_TCK) is 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static ProcessSample? Read(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    break;
                }
            }
            return new ProcessSample(cpu, rss);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static ProcessSample Self()
    {
        using var me = System.Diagnostics.Process.GetCurrentProcess();
        return new ProcessSample(me.TotalProcessorTime.TotalSeconds, me.WorkingSet64 / 1024);
    }
}
