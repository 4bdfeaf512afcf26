
namespace Telephony.ContactCenter.Routing;

/// <summary>How the ACD behaves.</summary>
public sealed class AcdOptions
{
    /// <summary>This server node's name (stored with each queued call).</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>How long a seat rings before the call moves on and the seat goes NotReady ("no answer").</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>After-call work; the seat returns to Ready by itself when it is over.</summary>
    public TimeSpan WrapUpTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far past the ring timeout a Reserved/Ringing seat of another node's call counts as abandoned.</summary>
    public TimeSpan StaleGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the ACD reads the seat store's epoch to notice a store that lost its state (besides on
    /// every reconnect of its client); also how soon calls held during an outage are queued once it ends.
    /// </summary>
    public TimeSpan StoreCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an agent whose desktop vanished stays logged in (NotReady) waiting for it to reconnect.</summary>
    public TimeSpan DesktopGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The queues calls may be put in.</summary>
    public IReadOnlyList<QueueDefinition> Queues { get; init; } = [];

    /// <summary>The seats' extensions.</summary>
    public IReadOnlyList<string> Seats { get; init; } = [];

    /// <summary>Extensions 1001..1060, the hotline's 60 seats.</summary>
    public static IReadOnlyList<string> SeatRange(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
