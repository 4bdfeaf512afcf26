namespace Telephony.Server.Agents.Desk;

/// <summary>
/// The case the agent types during the call (hub <c>SaveCase</c>). The phone number, the channel
/// ("phone") and the call id are not in it: the server takes them from the agent's own call.
/// </summary>
/// <param name="Resolution">"direct": solved on the phone (optional <paramref name="Answer"/>); "dispatch": sent to <paramref name="DepartmentId"/>.</param>
public sealed record DeskCaseForm(
    string? Category,
    long? DistrictId,
    string? Address,
    string? Matter,
    bool Confidential,
    string? Resolution,
    long? DepartmentId,
    string? Answer,
    string? CitizenName);

/// <summary>What the desktop shows after saving: the case's number and where it went.</summary>
public sealed record DeskCaseSaved(long Id, string Number, string Status, string CallId, string? RecordingPath);
