using Telephony.Calls.Recording;
using Telephony.Cases;

namespace Telephony.Server.Recordings;

/// <summary>
/// The one place a call id becomes a file: the path comes from the call record (written by the call manager,
/// never from a client) and is served or deleted only when it lies inside the recordings folder.
/// </summary>
public sealed class RecordingFiles(RecordingFolder folder)
{
    /// <summary>
    /// Call ids as routes take them: 1..200 printable ASCII characters without path separators or "..", so an id
    /// can never be mistaken for a path, whatever later code does with it (RFC 3261 §25.1 Call-IDs are "word"s; ours
    /// and our phones' have none of these).
    /// </summary>
    public static bool IsCallId(string? callId) =>
        callId is { Length: > 0 and <= 200 } && callId.All(c => c is > ' ' and < (char)127 and not '/' and not '\\') && !callId.Contains("..", StringComparison.Ordinal);

    /// <summary>The record's recording as a full path inside the folder, or null (none, or outside the folder).</summary>
    public string? PathOf(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrWhiteSpace(record.RecordingPath))
        {
            return null;
        }
        var full = Path.GetFullPath(record.RecordingPath);
        var root = Path.TrimEndingDirectorySeparator(folder.Path) + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal) ? full : null;
    }
}
