namespace Telephony.Softphone.Core;

// The JSON shapes the agents' hub (/hubs/agents) sends and returns. The softphone knows no
// contact-center types (ARCHITECTURE.md: it depends on Sip, Media and the SignalR client only), so
// it mirrors the wire contract here; enums travel as strings (the hub uses JsonStringEnumConverter).

/// <summary>Seat states as the hub names them.</summary>
public enum SeatState
{
    LoggedOut,
    Ready,
    NotReady,
    Reserved,
    Ringing,
    OnCall,
    WrapUp,
}

/// <summary>The seat as the hub returns it from Login/SetReady/SetNotReady/Logout/GetSeat.</summary>
public sealed record SeatInfo(
    string Extension,
    string? AgentId,
    SeatState State,
    string? Reason,
    IReadOnlyList<string>? Skills,
    DateTimeOffset StateSince,
    DateTimeOffset? IdleSince,
    string? CallId);

/// <summary>The hub's <c>StateChanged</c> event.</summary>
public sealed record SeatStateChange(string Extension, string? AgentId, SeatState State, string? Reason, string? CallId, DateTimeOffset At);

/// <summary>The hub's <c>ScreenPop</c> event: who calls, before the softphone rings.</summary>
public sealed record ScreenPopInfo(
    string CallId,
    string Extension,
    string AgentId,
    string CallerNumber,
    string DialedNumber,
    IReadOnlyList<string>? IvrPath,
    string? IvrDigits,
    string? Language,
    string? Queue,
    TimeSpan WaitTime,
    DateTimeOffset At,
    string? TransferredFrom = null);

/// <summary>The hub's <c>CallOffered</c> event.</summary>
public sealed record CallOfferedInfo(string CallId, string Extension, string AgentId, TimeSpan RingTimeout, DateTimeOffset At);

/// <summary>The hub's <c>CallAnswered</c> event.</summary>
public sealed record CallAnsweredInfo(string CallId, string Extension, string AgentId, DateTimeOffset At);

/// <summary>The hub's <c>CallEnded</c> event (Reason: Completed, CallerHungUp, NoAnswer, Unreachable).</summary>
public sealed record CallEndedInfo(string CallId, string Extension, string AgentId, string Reason, DateTimeOffset At);

/// <summary>Hub method and event names.</summary>
public static class AgentHubNames
{
    public const string Path = "/hubs/agents";
    public const string Login = "Login";
    public const string Logout = "Logout";
    public const string SetReady = "SetReady";
    public const string SetNotReady = "SetNotReady";
    public const string GetSeat = "GetSeat";
    public const string AcknowledgePop = "AcknowledgePop";
    public const string PauseRecording = "PauseRecording";
    public const string ResumeRecording = "ResumeRecording";
    public const string AddPartner = "AddPartner";
    public const string DropPartner = "DropPartner";
    public const string HandOverToPartner = "HandOverToPartner";
    public const string Transfer = "Transfer";
    public const string ConsultTransfer = "ConsultTransfer";
    public const string CompleteTransfer = "CompleteTransfer";
    public const string CancelTransfer = "CancelTransfer";
    public const string StateChanged = "StateChanged";
    public const string ScreenPop = "ScreenPop";
    public const string CallOffered = "CallOffered";
    public const string CallAnswered = "CallAnswered";
    public const string CallEnded = "CallEnded";
}
