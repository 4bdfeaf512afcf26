using System.Globalization;
using Microsoft.Extensions.Logging;
using Telephony.Media.Recording;

namespace Telephony.Calls.Recording;

/// <summary>Where call recordings live, and the one rule that names a call's file.</summary>
public sealed class RecordingFolder
{
    /// <summary>Takes the folder (resolved once, by the host's path rules).</summary>
    public RecordingFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The absolute folder.</summary>
    public string Path { get; }

    /// <summary><c>{yyyyMMdd-HHmmss}-{call id made file-safe, at most 80 characters}.wav</c>: a Call-ID never escapes the folder.</summary>
    public string PathFor(string callId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(callId);
        var safe = new string([.. callId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]);
        if (safe.Length > 80)
        {
            safe = safe[..80];
        }
        return System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"{at:yyyyMMdd-HHmmss}-{safe}.wav"));
    }

    /// <summary>
    /// Creates the folder and, before any new recording starts, makes recordings cut short by a crash
    /// (stale RIFF/data sizes in the WAV header) valid WAVs again, so no conversation is lost to a bad header.
    /// </summary>
    internal void PrepareAndRepair(TimeProvider time, ILogger logger)
    {
        Directory.CreateDirectory(Path);
        var started = time.GetTimestamp();
        var results = RecordingRepair.RepairDirectory(Path, logger);
        var repaired = results.Count(r => r.Outcome == RepairOutcome.Repaired);
        var broken = results.Count(r => r.Outcome == RepairOutcome.NotRepairable);
        CallsLog.RepairDone(logger, results.Count, repaired, broken, (long)time.GetElapsedTime(started).TotalMilliseconds, Path);
    }
}
