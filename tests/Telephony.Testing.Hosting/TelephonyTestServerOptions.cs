namespace Telephony.Testing.Hosting;

/// <summary>How a <see cref="TelephonyTestServer"/> runs: which seats, where seats live, whether HTTP is on real sockets, and any further settings.</summary>
public sealed record TelephonyTestServerOptions
{
    /// <summary>The local Redis for tests (overridden by <c>TELEPHONY_TEST_REDIS</c>).</summary>
    public static string RedisEndPoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6390";

    /// <summary>SIP seats (extension → digest password) written to the seats file; none: the server's own seats file.</summary>
    public IReadOnlyDictionary<string, string>? Seats { get; init; }

    /// <summary>Seats in Redis under a fresh key prefix (removed on dispose) rather than in-process.</summary>
    public bool Redis { get; init; }

    /// <summary>Kestrel on 127.0.0.1:0 (real HTTP sockets, <see cref="TelephonyTestServer.Http"/>) instead of the in-memory test server.</summary>
    public bool Kestrel { get; init; }

    /// <summary>The Kestrel port with <see cref="Kestrel"/> (0: an ephemeral one); a restart keeps whichever was bound.</summary>
    public int HttpPort { get; init; }

    /// <summary>Cases, recordings and the SMS outbox in the fixture's temporary folder (off: the server's defaults).</summary>
    public bool OwnData { get; init; } = true;

    /// <summary>Further settings, applied last (null removes nothing; an empty string clears).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Replaces services after the server's own registrations (a fake ACD call control, say).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? TestServices { get; init; }

    /// <summary>Seats <paramref name="extensions"/> with passwords <paramref name="passwordPrefix"/>+extension.</summary>
    public static IReadOnlyDictionary<string, string> SeatsWith(string passwordPrefix, params string[] extensions) =>
        extensions.ToDictionary(e => e, e => passwordPrefix + e, StringComparer.Ordinal);
}
