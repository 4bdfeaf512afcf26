using System.Globalization;

namespace Telephony.Server.Operations;

/// <summary>
/// The <c>Metrics</c> section. <c>/metrics</c> carries no secrets but tells a stranger how busy the hotline is, so
/// operators scrape it on an internal address: add that address to <c>Urls</c> (e.g. <c>http://10.0.0.5:9464</c>)
/// and name its port in <see cref="Hosts"/> (<c>*:9464</c>); the public address then answers 404 for it.
/// </summary>
public sealed class MetricsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Metrics";

    /// <summary>Serve <see cref="Path"/> at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>Host patterns (ASP.NET <c>RequireHost</c>: <c>*:9464</c>, <c>10.0.0.5:9464</c>) the scrape answers on, comma-separated; empty: every address in <c>Urls</c>.</summary>
    public string Hosts { get; set; } = "";

    /// <summary>How often seats and queues are read from the seat store for the gauges.</summary>
    public int SampleSeconds { get; set; } = 5;

    /// <summary>Each bad value as "Metrics:Key = value: what is allowed".</summary>
    public IEnumerable<string> Validate(string section = Section)
    {
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/'))
        {
            yield return $"{section}:Path = '{Path}': use a path starting with /";
        }
        if (SampleSeconds is < 1 or > 300)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{section}:SampleSeconds = {SampleSeconds} is out of range: use 1..300 s");
        }
    }

    /// <summary>The host patterns of <see cref="Hosts"/>.</summary>
    public static string[] SplitHosts(string? hosts) =>
        (hosts ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
