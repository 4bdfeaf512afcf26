namespace Telephony.Cases.Staff;

/// <summary>
/// A user of the REST API and hubs as stored. <see cref="PasswordHash"/> is a PBKDF2 hash (never the password);
/// <see cref="Stamp"/> is the security stamp every token carries; <see cref="Demo"/> marks a shipped demo password;
/// a guest (the leaders' answering day) has a <see cref="RosterDate"/>: the one local date they may sign in on.
/// </summary>
public sealed record StaffUser(
    string Name, string Role, string? AgentId, string? Department, string PasswordHash, string Stamp, bool Demo = false, DateOnly? RosterDate = null);

/// <summary>An agent as stored: id (the <c>agent</c> claim of their login), display name, skills (languages and lanes included).</summary>
public sealed record StaffAgent(string Id, string Name, IReadOnlyList<string> Skills);

/// <summary>
/// A seat's SIP credentials as stored: HA1 = H(extension:realm:password) for MD5 and SHA-256 (RFC 7616 §3.4.2), so
/// the password itself is kept nowhere; HA1s are valid only for <see cref="Realm"/> (a new domain needs new passwords).
/// </summary>
public sealed record StaffSeat(string Extension, string Realm, string Ha1Md5, string Ha1Sha256, bool Demo = false);

/// <summary>A queue as stored: its name and its definition in the agents file's JSON form (skills, priority, policy).</summary>
public sealed record StaffQueue(string Name, string Definition);

/// <summary>Everything the nodes load, with the version it was read at.</summary>
public sealed record StaffSnapshot(
    long Version, IReadOnlyList<StaffUser> Users, IReadOnlyList<StaffAgent> Agents, IReadOnlyList<StaffSeat> Seats, IReadOnlyList<StaffQueue> Queues);

/// <summary>What the JSON files hold at a first start; each list seeds its table only when that table is empty.</summary>
public sealed record StaffSeed(
    IReadOnlyList<StaffUser> Users, IReadOnlyList<StaffAgent> Agents, IReadOnlyList<StaffSeat> Seats, IReadOnlyList<StaffQueue> Queues);

/// <summary>The outcome of a write: whether the row existed before, and the staff version after the write.</summary>
public readonly record struct StaffWrite(bool Existed, long Version);

/// <summary>Which table a seed filled (the others had rows already and were left alone).</summary>
[Flags]
public enum StaffTables
{
    None = 0,
    Users = 1,
    Agents = 2,
    Seats = 4,
    Queues = 8,
}

/// <summary>
/// Users, agents, seats and queues (issue 14, live administration). Each write bumps the staff version in its own
/// transaction, so a node comparing versions knows when to reload.
/// </summary>
public interface IStaffStore
{
    /// <summary>The version now (one cheap read; nodes poll it).</summary>
    Task<long> GetStaffVersionAsync(CancellationToken ct = default);

    /// <summary>Every row of the four tables and the version they were read at (one transaction, so they agree).</summary>
    Task<StaffSnapshot> GetStaffAsync(CancellationToken ct = default);

    /// <summary>Fills each empty table from <paramref name="seed"/> (existing rows win if two nodes seed at once).</summary>
    Task<StaffTables> SeedStaffAsync(StaffSeed seed, DateTimeOffset at, CancellationToken ct = default);

    Task<StaffWrite> SaveUserAsync(StaffUser user, string by, DateTimeOffset at, CancellationToken ct = default);
    Task<StaffWrite> DeleteUserAsync(string name, CancellationToken ct = default);
    Task<StaffWrite> SaveAgentAsync(StaffAgent agent, string by, DateTimeOffset at, CancellationToken ct = default);
    Task<StaffWrite> DeleteAgentAsync(string id, CancellationToken ct = default);
    Task<StaffWrite> SaveSeatAsync(StaffSeat seat, string by, DateTimeOffset at, CancellationToken ct = default);
    Task<StaffWrite> DeleteSeatAsync(string extension, CancellationToken ct = default);
    Task<StaffWrite> SaveQueueAsync(StaffQueue queue, string by, DateTimeOffset at, CancellationToken ct = default);
    Task<StaffWrite> DeleteQueueAsync(string name, CancellationToken ct = default);
}
