using Telephony.Cases.Staff;
using Telephony.Server.Agents;
using Telephony.Server.Security;
using Telephony.Server.Sip;

namespace Telephony.Server.Administration;

/// <summary>
/// The JSON files that seed the staff tables at the first start: each is read only when its table is empty, so a
/// file an operator has since removed or left stale stops nothing once the database holds the staff.
/// </summary>
public sealed record StaffSeedFiles(string UsersFile, string SeatsFile, string AgentsFile)
{
    /// <summary>The seed for the empty tables of <paramref name="now"/>; null when none is empty.</summary>
    public StaffSeed? Read(StaffSnapshot now, string realm)
    {
        ArgumentNullException.ThrowIfNull(now);
        var needAgents = now.Agents.Count == 0 || now.Queues.Count == 0;
        if (now.Users.Count > 0 && now.Seats.Count > 0 && !needAgents)
            return null;
        var agents = needAgents ? Telephony.Server.Agents.AgentsFile.Load(AgentsFile) : null;
        return new StaffSeed(
            now.Users.Count == 0 ? UserDirectory.ReadSeed(UsersFile) : [],
            now.Agents.Count == 0 ? [.. agents!.Agents.Select(a => new StaffAgent(a.Id, a.Name, a.Skills))] : [],
            now.Seats.Count == 0 ? [.. SeatDirectory.ReadPasswords(SeatsFile).Select(p => SeatDirectory.Credentials(p.Key, realm, p.Value))] : [],
            now.Queues.Count == 0 ? [.. agents!.QueueJsons.Select(q => new StaffQueue(q.Name!, Telephony.Server.Agents.AgentsFile.WriteQueueJson(q)))] : []);
    }
}
