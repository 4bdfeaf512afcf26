namespace Telephony.Server.Agents;

/// <summary>What became of an agent's request to pause or resume a call's recording.</summary>
public enum RecordingControlResult
{
    /// <summary>Recording stopped; silence is recorded until it resumes.</summary>
    Paused,

    /// <summary>Recording goes on again.</summary>
    Resumed,

    /// <summary>It was already paused (nothing changed).</summary>
    AlreadyPaused,

    /// <summary>It was not paused (nothing changed).</summary>
    NotPaused,

    /// <summary>The call is connected to this agent but has no recording (the recording could not be opened).</summary>
    NotRecording,

    /// <summary>No call of that id is connected to this agent (unknown, someone else's, or not connected yet or any more).</summary>
    NotYourCall,
}

/// <summary>
/// Where an agent desktop's "pause recording" goes, while the citizen gives a card or ID number:
/// the recorder writes silence until the agent resumes, and the recording's metadata lists the
/// paused stretch with its reason. Only the agent the call is connected to may do this.
/// </summary>
public interface IRecordingControl
{
    /// <summary>Pauses the recording of <paramref name="callId"/> for <paramref name="agentId"/>.</summary>
    Task<RecordingControlResult> PauseAsync(string callId, string agentId, string reason, CancellationToken ct = default);

    /// <summary>Resumes the recording of <paramref name="callId"/> for <paramref name="agentId"/>.</summary>
    Task<RecordingControlResult> ResumeAsync(string callId, string agentId, CancellationToken ct = default);
}

/// <summary>Registered until the call manager provides the real control: no calls, so nothing to pause.</summary>
internal sealed class NoRecordingControl : IRecordingControl
{
    public Task<RecordingControlResult> PauseAsync(string callId, string agentId, string reason, CancellationToken ct = default) =>
        Task.FromResult(RecordingControlResult.NotYourCall);

    public Task<RecordingControlResult> ResumeAsync(string callId, string agentId, CancellationToken ct = default) =>
        Task.FromResult(RecordingControlResult.NotYourCall);
}
