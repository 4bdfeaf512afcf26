using System.Globalization;

namespace Telephony.Server.Supervisors;

/// <summary>
/// The wall's alarms: today's service level under its target, and a call waiting longer than 15 s in a queue.
/// Each is shown on the wall while it holds and logged once when it starts and once when it clears (not
/// per push). The queues' alarms are judged in the publisher's floor loop, the service level in its figures loop;
/// the floor reads the service-level alarm as that loop last left it.
/// </summary>
public sealed partial class FloorAlarms(ILogger<FloorAlarms> log)
{
    /// <summary>A call waiting longer than this is flagged (GB/T 33358's 15 s).</summary>
    public static readonly TimeSpan LongWait = TimeSpan.FromSeconds(15);

    /// <summary>The alarm kinds.</summary>
    public const string ServiceLevel = "service-level", LongWaitKind = "long-wait";

    private readonly HashSet<string> _longWaits = new(StringComparer.Ordinal);
    private volatile FloorAlarm? _serviceLevel; // written by the figures loop, read by the floor loop

    /// <summary>The long-wait alarms of these queues (logged when one starts or clears) plus the service-level alarm, if raised.</summary>
    public IReadOnlyList<FloorAlarm> ForQueues(IReadOnlyList<QueueTile> queues)
    {
        var alarms = new List<FloorAlarm>();
        if (_serviceLevel is { } sl)
            alarms.Add(sl);
        foreach (var queue in queues)
        {
            if (queue.Flagged)
            {
                alarms.Add(new FloorAlarm(LongWaitKind, queue.Name, string.Create(CultureInfo.InvariantCulture, $"{queue.Waiting} waiting")));
                if (_longWaits.Add(queue.Name))
                    LogLongWait(queue.Name, queue.Waiting, queue.OldestSince);
            }
            else if (_longWaits.Remove(queue.Name))
            {
                LogLongWaitCleared(queue.Name);
            }
        }
        return alarms;
    }

    /// <summary>
    /// Judges today's service level against <paramref name="target"/> (only once a call was offered); true
    /// when the alarm started or cleared, so the floor must be pushed again.
    /// </summary>
    public bool JudgeServiceLevel(Telephony.Cases.CallFigures today, double target)
    {
        var level = today.ServiceLevel15s.Value;
        bool low = level is { } l && l < target;
        if (low == _serviceLevel is not null)
            return false;
        if (low)
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{level:P1} < {target:P0}");
            _serviceLevel = new FloorAlarm(ServiceLevel, "today", detail);
            LogServiceLevelLow(level!.Value, target, today.AnsweredWithin15s, today.Offered);
        }
        else
        {
            _serviceLevel = null;
            LogServiceLevelBack(level ?? 0, target);
        }
        return true;
    }

    [LoggerMessage(EventId = 7210, Level = LogLevel.Warning, Message = "Wallboard alarm: service level today {Level:P1} is under its target {Target:P0} ({Within} of {Offered} calls answered within 15 s)")]
    private partial void LogServiceLevelLow(double level, double target, long within, long offered);
    [LoggerMessage(EventId = 7211, Level = LogLevel.Information, Message = "Wallboard alarm cleared: service level today {Level:P1} meets its target {Target:P0}")]
    private partial void LogServiceLevelBack(double level, double target);
    [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "Wallboard alarm: a call has waited more than 15 s in queue {Queue} ({Waiting} waiting, the longest since {Since:o})")]
    private partial void LogLongWait(string queue, int waiting, DateTimeOffset? since);
    [LoggerMessage(EventId = 7213, Level = LogLevel.Information, Message = "Wallboard alarm cleared: no call waits more than 15 s in queue {Queue}")]
    private partial void LogLongWaitCleared(string queue);
}
