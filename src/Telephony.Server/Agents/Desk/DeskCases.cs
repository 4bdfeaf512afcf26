using Telephony.Cases;
using Telephony.Cases.Storage;
using Microsoft.AspNetCore.SignalR;

namespace Telephony.Server.Agents.Desk;

/// <summary>
/// Turns the desktop's case form into a phone case linked to the call (its record and recording
/// come from the call record the call manager wrote at the answer), then answers or dispatches it.
/// The case workflow's own checks apply; their messages come back to the agent as they are.
/// </summary>
public sealed class DeskCases(CaseService cases, IDirectoryStore directory)
{
    public async Task<DeskCaseSaved> SaveAsync(DeskCaseForm form, string callId, string phone, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var resolution = form.Resolution?.Trim().ToLowerInvariant();
        if (resolution is not ("direct" or "dispatch"))
            throw new HubException("Choose \"solved directly\" or \"dispatch to a department\".");
        if (resolution == "dispatch" && form.DepartmentId is null)
            throw new HubException("Choose the department to dispatch to.");
        if (form.Answer is { Length: > 2000 })
            throw new HubException("The answer is longer than 2000 characters.");
        // Checked before the case is created, so a bad pick cannot leave a case registered and not dispatched.
        if (resolution == "dispatch" && await directory.GetDepartmentAsync(form.DepartmentId!.Value, ct).ConfigureAwait(false) is not { Active: true })
            throw new HubException("That department does not exist or no longer takes cases.");
        try
        {
            var created = await cases.CreateAsync(new CaseIntake
            {
                Channel = CaseChannel.Phone,
                Category = ParseCategory(form.Category),
                Description = form.Matter ?? "",
                CitizenName = form.CitizenName,
                CitizenPhone = phone,
                Location = form.Address,
                DistrictId = form.DistrictId,
                Confidential = form.Confidential,
                CallId = callId,
            }, actor, ct).ConfigureAwait(false);
            var done = await cases.TransitionAsync(created.Id, new Transition
            {
                Action = resolution == "direct" ? CaseAction.AnswerDirectly : CaseAction.Dispatch,
                ExpectedVersion = created.Version,
                DepartmentId = resolution == "dispatch" ? form.DepartmentId : null,
                ReplyText = resolution == "direct" ? Blank(form.Answer) : null,
                Note = "taken in on the phone",
            }, actor, ct).ConfigureAwait(false);
            return new DeskCaseSaved(done.Id, done.Number, done.Status.ToString(), callId, done.RecordingPath);
        }
        catch (CaseException e)
        {
            throw new HubException(e.Message);
        }
    }

    private static CaseCategory ParseCategory(string? value) =>
        value is { Length: > 0 } && char.IsLetter(value[0]) && Enum.TryParse<CaseCategory>(value, ignoreCase: true, out var c) && Enum.IsDefined(c)
            ? c : throw new HubException($"Choose a category: {string.Join(", ", Enum.GetNames<CaseCategory>())}.");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
