namespace Telephony.Server.Agents;

/// <summary>The <c>ContactCenter</c> configuration section: seats, agents, the ACD's timers and the shared Redis.</summary>
public sealed class ContactCenterSettings
{
    /// <summary>Config section name.</summary>
    public const string Section = "ContactCenter";

    /// <summary>Agents, skills and queues (JSON); relative paths are taken from the app's base directory.</summary>
    public string AgentsFile { get; set; } = "agents.json";

    /// <summary>Redis connection string; set, seats and queues are shared by every node (and SignalR uses its backplane). Empty: one node, in-process.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key and channel.</summary>
    public string KeyPrefix { get; set; } = "telephony:cc";

    /// <summary>This node's name among several (default: the machine name).</summary>
    public string? Node { get; set; }

    /// <summary>How long a seat rings before the call moves on.</summary>
    public double RingTimeoutSeconds { get; set; } = 20;

    /// <summary>After-call work before the seat is Ready again.</summary>
    public double WrapUpSeconds { get; set; } = 30;

    /// <summary>How long an agent whose desktop vanished stays logged in (NotReady) waiting for it to reconnect.</summary>
    public double DesktopGraceSeconds { get; set; } = 60;

    /// <summary>The first seat's extension.</summary>
    public int FirstSeat { get; set; } = 1001;

    /// <summary>How many seats.</summary>
    public int SeatCount { get; set; } = 60;

    /// <summary>
    /// The Not-ready reasons an agent's desktop offers (empty: <see cref="DefaultNotReadyReasons"/>). The hub
    /// still takes any well-formed reason (the terminal softphone types its own).
    /// </summary>
    public string[]? NotReadyReasons { get; set; }

    /// <summary>The reasons offered when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultNotReadyReasons = ["break", "meal", "training", "meeting", "callback work", "supervisor talk"];

    /// <summary>The reasons the desktop offers.</summary>
    public IReadOnlyList<string> ReasonsForNotReady() => NotReadyReasons is { Length: > 0 } r ? r : DefaultNotReadyReasons;

    /// <summary>Each bad value, named (checked at start).</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(AgentsFile))
        {
            yield return $"{section}:AgentsFile is empty: name the agents file";
        }
        if (string.IsNullOrWhiteSpace(KeyPrefix))
        {
            yield return $"{section}:KeyPrefix is empty";
        }
        if (RingTimeoutSeconds is < 1 or > 600)
        {
            yield return FormattableString.Invariant($"{section}:RingTimeoutSeconds = {RingTimeoutSeconds} is out of range: use 1..600");
        }
        if (WrapUpSeconds is < 0 or > 3600)
        {
            yield return FormattableString.Invariant($"{section}:WrapUpSeconds = {WrapUpSeconds} is out of range: use 0..3600");
        }
        if (DesktopGraceSeconds is < 1 or > 3600)
        {
            yield return FormattableString.Invariant($"{section}:DesktopGraceSeconds = {DesktopGraceSeconds} is out of range: use 1..3600");
        }
        if (FirstSeat is < 1 or > 99_999_999)
        {
            yield return FormattableString.Invariant($"{section}:FirstSeat = {FirstSeat} is out of range: use 1..99999999");
        }
        foreach (var reason in NotReadyReasons ?? [])
        {
            if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > 64 || reason.Any(Telephony.Server.Http.LogText.NeedsEscape))
            {
                yield return $"{section}:NotReadyReasons has \"{reason}\": use 1..64 characters without control characters";
            }
        }
        if (SeatCount is < 1 or > 10_000)
        {
            yield return FormattableString.Invariant($"{section}:SeatCount = {SeatCount} is out of range: use 1..10000");
        }
    }
}
