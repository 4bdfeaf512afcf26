using System.Globalization;
using System.Net;
using Telephony.Media;

namespace Telephony.Calls;

/// <summary>The <c>Calls</c> configuration section: the call manager's media, IVR, recording and queue settings.</summary>
public sealed class CallManagerOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Calls";

    /// <summary>The IVR script; relative paths are searched from the working directory and upwards from the app directory.</summary>
    public string IvrScript { get; set; } = "ivr-scripts/12345.yaml";

    /// <summary>Reload the IVR script by itself when its files change (the admin endpoint always works).</summary>
    public bool WatchIvrScript { get; set; } = true;

    /// <summary>Folder for call recordings (stereo WAV: caller left, agent right).</summary>
    public string RecordingsFolder { get; set; } = "recordings";

    /// <summary>Address RTP sockets bind to; also written into our SDP unless <see cref="MediaAddress"/> is set.</summary>
    public string RtpBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Address written into SDP when the bind address is a wildcard or behind NAT.</summary>
    public string? MediaAddress { get; set; }

    /// <summary>First RTP port (even); each call leg takes a pair.</summary>
    public int RtpPortMin { get; set; } = 20000;

    /// <summary>
    /// Last RTP port. The default range holds 2,000 pairs: <c>Sip:MaxCalls</c> (1,000) calls with two legs each
    /// (caller and agent); an IVR or queued call takes one pair, a bridged call two, a three-party call three.
    /// </summary>
    public int RtpPortMax { get; set; } = 23999;

    /// <summary>
    /// Threads that receive every call's RTP and RTCP through epoll with batched reads (64-bit
    /// Linux); -1 = half the cores (at least one), 0 = one async receive per socket on .NET's socket
    /// engine (any OS; several times the CPU per packet, see docs/benchmarks.md).
    /// </summary>
    public int RtpReceiveThreads { get; set; } = -1;

    /// <summary>
    /// SCHED_FIFO priority (1–99) of the RTP receive threads, so a packet is relayed when it arrives
    /// rather than when another thread's time slice ends; 0 = normal scheduling. Needs CAP_SYS_NICE
    /// (e.g. systemd <c>AmbientCapabilities=CAP_SYS_NICE</c>); when refused the node logs a warning and
    /// runs on the normal scheduler.
    /// </summary>
    public int RtpRealtimePriority { get; set; } = 50;

    /// <summary>
    /// IVR queue name → ACD queue name, for deployments whose ACD queues are named differently from the
    /// script's (e.g. <c>"english": "en-general"</c>). A queue the ACD knows by the script's name needs
    /// no entry; unmapped names try <c>{language}-{queue}</c>, then <c>{language}-general</c>, then the first ACD queue.
    /// </summary>
    public Dictionary<string, string> QueueMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The longest the agent's softphone waits, after the screen-pop was handed to SignalR, for the desktop
    /// to acknowledge the pop (hub method <c>AcknowledgePop</c>). A desktop that acknowledges is rung at once;
    /// one that never does is still rung after this wait (and a warning is logged). 0 rings at once.
    /// </summary>
    public int PopLeadMilliseconds { get; set; } = 500;

    /// <summary>How long a partner hotline may ring on an IVR transfer before the script goes on at <c>on-fail</c>.</summary>
    public int TransferRingTimeoutSeconds { get; set; } = 30;

    /// <summary>How long each leg of a call we place (the agent's seat, then the citizen) may ring before the attempt counts as no answer.</summary>
    public int OutboundRingTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts at a callback or missed-call task before it fails (the retry policy's count).</summary>
    public int CallbackMaxAttempts { get; set; } = 3;

    /// <summary>The wait after no answer or busy before a callback or missed-call task is dialled again.</summary>
    public int CallbackRetryIntervalSeconds { get; set; } = 600;

    /// <summary>How long a caller offered a call-back at the end of a queue's maximum wait (end action "callback-offer") has to press 1.</summary>
    public int CallbackOfferDecisionSeconds { get; set; } = 15;

    /// <summary>How often this node looks for due callback tasks to queue for its Ready agents (the ACD's task queue).</summary>
    public int CallbackTaskPollSeconds { get; set; } = 5;

    /// <summary>Callback tasks this node keeps waiting in the ACD's task queue at once (claimed, not yet offered).</summary>
    public int CallbackTasksQueued { get; set; } = 2;

    /// <summary>
    /// This node's name on the call records it writes: only the node of that name ends them as node-lost when they
    /// are left live by a crash. Empty: the machine name and a stable suffix from <see cref="RecordingsFolder"/>
    /// (<see cref="NodeIdFor"/>), since the node that owns a recordings folder is the one that repairs its files.
    /// Nodes sharing a database must have different ids.
    /// </summary>
    public string NodeId { get; set; } = string.Empty;

    /// <summary>
    /// Calls whose newest record snapshot may wait for the database at once. When full (the database has been
    /// unreachable for long), further snapshots of other calls are dropped, counted and logged; see docs/ARCHITECTURE.md.
    /// </summary>
    public int RecordQueueCapacity { get; set; } = 10_000;

    /// <summary>How often the node writes its sign of life: the end time given to its calls if it dies.</summary>
    public int NodeHeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// A node silent this long (no heartbeat) with calls still live is dead: another node sharing the database ends
    /// those calls as node-lost (its own restart would, but it may never restart). At least three heartbeats, so a
    /// node merely slow to write is not taken for dead; 0: only the node itself ends its lost calls, at its next start.
    /// </summary>
    public int NodeLostAfterSeconds { get; set; } = 60;

    /// <summary>How often the counts of calls refused for capacity are added to the database.</summary>
    public int RefusalFlushSeconds { get; set; } = 5;

    /// <summary>The node id in force: <see cref="NodeId"/>, or machine name + a hash of the absolute recordings folder.</summary>
    public string NodeIdFor(string recordingsFolder)
    {
        if (!string.IsNullOrWhiteSpace(NodeId))
        {
            return NodeId.Trim();
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(recordingsFolder);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(recordingsFolder)));
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Convert.ToHexStringLower(hash.AsSpan(0, 4))}");
    }

    /// <summary>
    /// On stop (SIGTERM, <c>systemctl stop</c>, Ctrl-C) the node takes no new calls and lets the calls in progress
    /// finish for up to this long; those still up then are ended (BYE on every leg) with the outcome <c>drained</c>.
    /// 0 ends them at once. The host's shutdown timeout is set to cover it.
    /// </summary>
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>Days a call recording is kept; the daily sweep deletes older files and marks their records (0 = for ever).</summary>
    public int RecordingRetentionDays { get; set; } = 180;

    /// <summary>SIP messages kept per call in its trace (the first quarter stays, the rest is a ring of the latest).</summary>
    public int TraceMessagesPerCall { get; set; } = 512;

    /// <summary>Quality samples kept per call (all legs together; first quarter kept, then the latest).</summary>
    public int TraceSamplesPerCall { get; set; } = 1024;

    /// <summary>Calls traced in memory at once (live and recently ended); beyond it new calls go untraced (counted, logged).</summary>
    public int TraceMaxCalls { get; set; } = 2000;

    /// <summary>Minutes an ended call's trace stays in memory (it is in the database from its end on).</summary>
    public int TraceKeepMinutes { get; set; } = 10;

    /// <summary>Days ended calls' traces stay in the database (swept daily with the recordings).</summary>
    public int TraceRetentionDays { get; set; } = 30;

    /// <summary>Seconds between two RTP quality samples of each leg of a call in progress.</summary>
    public int QualitySampleSeconds { get; set; } = 5;

    /// <summary>Each bad value as "Calls:Key = value: what is allowed"; empty when all are fine (checked at start).</summary>
    public IEnumerable<string> Validate(string section = Section)
    {
        if (string.IsNullOrWhiteSpace(IvrScript))
        {
            yield return $"{section}:IvrScript is empty: name the IVR script file";
        }
        if (string.IsNullOrWhiteSpace(RecordingsFolder))
        {
            yield return $"{section}:RecordingsFolder is empty: name a folder for recordings";
        }
        if (!IPAddress.TryParse(RtpBindAddress, out _))
        {
            yield return $"{section}:RtpBindAddress = '{RtpBindAddress}' is not an IP address";
        }
        if (MediaAddress is { Length: > 0 } media && !IPAddress.TryParse(media, out _))
        {
            yield return $"{section}:MediaAddress = '{media}' is not an IP address";
        }
        if (RtpPortMin is < 1024 or > 65534 || RtpPortMin % 2 != 0)
        {
            yield return Out(section, nameof(RtpPortMin), RtpPortMin, "an even port, 1024..65534");
        }
        if (RtpPortMax < RtpPortMin + 1 || RtpPortMax > 65535)
        {
            yield return Out(section, nameof(RtpPortMax), RtpPortMax, "RtpPortMin+1..65535");
        }
        if (RtpReceiveThreads is < -1 or > 64)
        {
            yield return Out(section, nameof(RtpReceiveThreads), RtpReceiveThreads, "-1 (half the cores), 0 (async sockets) or 1..64");
        }
        if (RtpRealtimePriority is < 0 or > 99)
        {
            yield return Out(section, nameof(RtpRealtimePriority), RtpRealtimePriority, "0 (normal scheduling) or 1..99 (SCHED_FIFO)");
        }
        if (PopLeadMilliseconds is < 0 or > 10_000)
        {
            yield return Out(section, nameof(PopLeadMilliseconds), PopLeadMilliseconds, "0..10000 ms");
        }
        if (DrainTimeoutSeconds is < 0 or > 3600)
        {
            yield return Out(section, nameof(DrainTimeoutSeconds), DrainTimeoutSeconds, "0..3600 s");
        }
        if (OutboundRingTimeoutSeconds is < 1 or > 600)
        {
            yield return Out(section, nameof(OutboundRingTimeoutSeconds), OutboundRingTimeoutSeconds, "1..600 s");
        }
        if (CallbackMaxAttempts is < 1 or > 20)
        {
            yield return Out(section, nameof(CallbackMaxAttempts), CallbackMaxAttempts, "1..20");
        }
        if (CallbackRetryIntervalSeconds is < 0 or > 86400)
        {
            yield return Out(section, nameof(CallbackRetryIntervalSeconds), CallbackRetryIntervalSeconds, "0..86400 s");
        }
        if (CallbackOfferDecisionSeconds is < 1 or > 120)
        {
            yield return Out(section, nameof(CallbackOfferDecisionSeconds), CallbackOfferDecisionSeconds, "1..120 s");
        }
        if (CallbackTaskPollSeconds is < 1 or > 3600)
        {
            yield return Out(section, nameof(CallbackTaskPollSeconds), CallbackTaskPollSeconds, "1..3600 s");
        }
        if (CallbackTasksQueued is < 0 or > 100)
        {
            yield return Out(section, nameof(CallbackTasksQueued), CallbackTasksQueued, "0..100 (0: tasks only from the list)");
        }
        if (TransferRingTimeoutSeconds is < 1 or > 600)
        {
            yield return Out(section, nameof(TransferRingTimeoutSeconds), TransferRingTimeoutSeconds, "1..600 s");
        }
        if (NodeId.Length > 100 || NodeId.Any(char.IsControl))
        {
            yield return $"{section}:NodeId = '{NodeId}': at most 100 printable characters (empty: machine name and a suffix)";
        }
        if (RecordQueueCapacity is < 100 or > 1_000_000)
        {
            yield return Out(section, nameof(RecordQueueCapacity), RecordQueueCapacity, "100..1000000 calls");
        }
        if (NodeHeartbeatSeconds is < 1 or > 300)
        {
            yield return Out(section, nameof(NodeHeartbeatSeconds), NodeHeartbeatSeconds, "1..300 s");
        }
        if (NodeLostAfterSeconds != 0 && (NodeLostAfterSeconds < 3 * NodeHeartbeatSeconds || NodeLostAfterSeconds > 86_400))
        {
            yield return Out(section, nameof(NodeLostAfterSeconds), NodeLostAfterSeconds, "0 (off) or 3 heartbeats..86400 s");
        }
        if (RefusalFlushSeconds is < 1 or > 60)
        {
            yield return Out(section, nameof(RefusalFlushSeconds), RefusalFlushSeconds, "1..60 s");
        }
        if (RecordingRetentionDays is < 0 or > 36_500)
        {
            yield return Out(section, nameof(RecordingRetentionDays), RecordingRetentionDays, "0 (for ever) or 1..36500 days");
        }
        if (TraceMessagesPerCall is < 8 or > 100_000)
        {
            yield return Out(section, nameof(TraceMessagesPerCall), TraceMessagesPerCall, "8..100000 messages");
        }
        if (TraceSamplesPerCall is < 8 or > 100_000)
        {
            yield return Out(section, nameof(TraceSamplesPerCall), TraceSamplesPerCall, "8..100000 samples");
        }
        if (TraceMaxCalls is < 1 or > 1_000_000)
        {
            yield return Out(section, nameof(TraceMaxCalls), TraceMaxCalls, "1..1000000 calls");
        }
        if (TraceKeepMinutes is < 0 or > 1440)
        {
            yield return Out(section, nameof(TraceKeepMinutes), TraceKeepMinutes, "0..1440 minutes");
        }
        if (TraceRetentionDays is < 0 or > 36_500)
        {
            yield return Out(section, nameof(TraceRetentionDays), TraceRetentionDays, "0 (for ever) or 1..36500 days");
        }
        if (QualitySampleSeconds is < 1 or > 300)
        {
            yield return Out(section, nameof(QualitySampleSeconds), QualitySampleSeconds, "1..300 s");
        }
    }

    /// <summary>The media engine's settings from these (call after <see cref="Validate"/> found nothing).</summary>
    public MediaEngineOptions ToMediaEngineOptions() => new()
    {
        BindAddress = IPAddress.Parse(RtpBindAddress),
        MediaAddress = MediaAddress is { Length: > 0 } media ? IPAddress.Parse(media) : null,
        PortMin = RtpPortMin,
        PortMax = RtpPortMax,
        ReceiveThreads = RtpReceiveThreads,
        RealtimePriority = RtpRealtimePriority,
    };

    private static string Out(string section, string key, int value, string allowed) =>
        string.Create(CultureInfo.InvariantCulture, $"{section}:{key} = {value} is out of range: use {allowed}");
}
