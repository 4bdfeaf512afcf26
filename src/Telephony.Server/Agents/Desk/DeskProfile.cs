using Telephony.Cases;

namespace Telephony.Server.Agents.Desk;

/// <summary>
/// What the desktop needs once, after the login: who the agent is, which language the page starts in
/// (English for agents of the English queue, Chinese otherwise), the Not-ready reasons to pick from,
/// the wrap-up time for the countdown, and the case form's lists.
/// </summary>
public sealed record DeskProfile(
    string AgentId,
    string Name,
    string Language,
    IReadOnlyList<string> NotReadyReasons,
    double WrapUpSeconds,
    IReadOnlyList<string> Categories,
    IReadOnlyList<District> Districts,
    IReadOnlyList<Department> Departments);
