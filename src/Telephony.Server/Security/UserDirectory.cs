using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Telephony.Cases.Staff;
using Telephony.Server.Hosting;
using Telephony.Server.Http;

namespace Telephony.Server.Security;

/// <summary>
/// Who may use the REST API and hubs, with which role, and each user's security stamp: the staff table
/// <c>staff_users</c> of the cases database as this node last read it. Changes made here (logout, role change,
/// removal, a new or changed user) are written to the database and then reach every node
/// (<see cref="Administration.StaffCatalog"/>: a change notice over Redis at once, a version check within
/// <see cref="RecheckInterval"/> in any case), where the whole table is replaced in one step.
/// <para>
/// The users file (<c>Security:UsersFile</c>) only seeds an empty table at the first start (<see cref="ReadSeed"/>).
/// </para>
/// </summary>
public sealed class UserDirectory
{
    /// <summary>How often, at most, a node looks whether another node changed the users (besides the change notices).</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    // Plain demo passwords are hashed on seeding with this cost (they are demo accounts; see DemoAccounts).
    private const int DemoHashIterations = 10_000;

    private readonly IStaffStore _store;
    private readonly Func<Task> _afterWrite;
    private readonly TimeProvider _time;
    private readonly TimeSpan _localOffset;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private Contents _contents;

    /// <param name="afterWrite">Called after each write: reloads this node and tells the others.</param>
    /// <param name="localOffset">The centre's UTC offset: a guest's roster date is a local date.</param>
    internal UserDirectory(IEnumerable<StaffUser> users, IStaffStore store, Func<Task> afterWrite, TimeProvider time, TimeSpan localOffset)
    {
        _store = store;
        _afterWrite = afterWrite;
        _time = time;
        _localOffset = localOffset;
        _contents = Build(users, null);
    }

    /// <summary>The users as they are now.</summary>
    public IEnumerable<UserAccount> Users => Current.ByName.Values;

    /// <summary>
    /// A hash of no one's password with the iteration count most of the users' hashes have: a login for
    /// an unknown name is verified against it, so it costs what a wrong password for a known name costs.
    /// </summary>
    public string DummyHash => Current.DummyHash;

    /// <summary>Users whose password is a shipped demo one (seeded from a plain <c>password</c> in the users file and not changed since).</summary>
    public IReadOnlyList<string> DemoAccounts => [.. Current.ByName.Values.Where(u => u.Demo).Select(u => u.Name).Order(StringComparer.Ordinal)];

    private Contents Current => Volatile.Read(ref _contents);

    /// <summary>The centre's local date now (a guest's roster date is compared with it).</summary>
    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().ToOffset(_localOffset).DateTime);

    public UserAccount? Find(string name) => Current.ByName.GetValueOrDefault(name);

    /// <summary>
    /// True when <paramref name="name"/> is a user, <paramref name="stamp"/> (from a token) is that user's stamp now, and
    /// a guest's roster date is today.
    /// </summary>
    public bool IsCurrent(string? name, string? stamp) =>
        name is not null && stamp is not null && Find(name) is { } user && string.Equals(user.Stamp, stamp, StringComparison.Ordinal) && user.ActiveOn(Today);

    /// <summary>Makes <paramref name="users"/> the users of this node (after a reload from the database).</summary>
    internal void Replace(IEnumerable<StaffUser> users) => Volatile.Write(ref _contents, Build(users, Current));

    /// <summary>Gives <paramref name="name"/> a new stamp (every token issued so far is refused from now on); false for an unknown name.</summary>
    public async Task<bool> RevokeAsync(string name, string by) =>
        await ChangeAsync(name, by, user => user with { Stamp = NewStamp() }).ConfigureAwait(false) == UserChange.Done;

    /// <summary>
    /// Changes <paramref name="name"/>'s role (with the agent id an agent needs or the department a handler
    /// needs; either is kept from before when not given) and revokes the user's tokens.
    /// Throws <see cref="InvalidOperationException"/> naming what is wrong with the new role.
    /// </summary>
    public Task<UserChange> SetRoleAsync(string name, string role, string? agent, string? department, string by)
    {
        if (Find(name) is not { } user)
        {
            return Task.FromResult(UserChange.NotFound);
        }
        CheckRole(role, role == Roles.Agent ? agent ?? user.AgentId : null, role == Roles.Handler ? department ?? user.Department : null, "role");
        return ChangeAsync(name, by, entry => entry with
        {
            Role = role,
            AgentId = role == Roles.Agent ? agent ?? entry.AgentId : null,
            Department = role == Roles.Handler ? department ?? entry.Department : null,
            Stamp = NewStamp(),
        });
    }

    /// <summary>
    /// Creates or replaces a user (validated by the caller). A new password (or none given for an existing user: the
    /// old hash is kept) and a changed role revoke the user's tokens. False in <c>Created</c> for an update.
    /// </summary>
    public async Task<(UserChange Change, bool Created)> SaveAsync(UserSpec spec, string by)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            var before = Find(spec.Name);
            if (before is null && spec.Password is null)
            {
                throw new InvalidOperationException("password: is required for a new user");
            }
            CheckRole(spec.Role, spec.AgentId, spec.Department, "role");
            var changed = before is null || spec.Password is not null || before.Role != spec.Role || before.AgentId != spec.AgentId
                || before.Department != spec.Department || before.RosterDate != spec.RosterDate;
            var user = new StaffUser(spec.Name, spec.Role, spec.Role == Roles.Agent ? spec.AgentId : null, spec.Role == Roles.Handler ? spec.Department : null,
                spec.Password is { } password ? PasswordHasher.Hash(password) : before!.PasswordHash,
                changed ? NewStamp() : before!.Stamp,
                Demo: spec.Password is null && before!.Demo, spec.RosterDate);
            if (before?.Role == Roles.Admin && user.Role != Roles.Admin && !OtherAdminLeft(spec.Name))
            {
                return (UserChange.LastAdmin, false);
            }
            await _store.SaveUserAsync(user, by, _time.GetUtcNow()).ConfigureAwait(false);
            await _afterWrite().ConfigureAwait(false);
            return (UserChange.Done, before is null);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Removes <paramref name="name"/>; the user's tokens are refused from now on.</summary>
    public async Task<UserChange> DeleteAsync(string name, string by)
    {
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Find(name) is not { } user)
            {
                return UserChange.NotFound;
            }
            if (user.Role == Roles.Admin && !OtherAdminLeft(name))
            {
                return UserChange.LastAdmin;
            }
            var write = await _store.DeleteUserAsync(name).ConfigureAwait(false);
            await _afterWrite().ConfigureAwait(false);
            return write.Existed ? UserChange.Done : UserChange.NotFound;
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task<UserChange> ChangeAsync(string name, string by, Func<StaffUser, StaffUser> change)
    {
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Find(name) is not { } before)
            {
                return UserChange.NotFound;
            }
            var user = change(new StaffUser(before.Name, before.Role, before.AgentId, before.Department, before.PasswordHash, before.Stamp, before.Demo, before.RosterDate));
            if (before.Role == Roles.Admin && user.Role != Roles.Admin && !OtherAdminLeft(name))
            {
                return UserChange.LastAdmin;
            }
            await _store.SaveUserAsync(user, by, _time.GetUtcNow()).ConfigureAwait(false);
            await _afterWrite().ConfigureAwait(false);
            return UserChange.Done;
        }
        finally
        {
            _writes.Release();
        }
    }

    // A guest admin does not count: the day after their roster date nobody could administer the centre.
    private bool OtherAdminLeft(string name) => Current.ByName.Values.Any(u => u.Name != name && u.Role == Roles.Admin && u.RosterDate is null);

    private static Contents Build(IEnumerable<StaffUser> stored, Contents? previous)
    {
        var users = new Dictionary<string, UserAccount>(StringComparer.Ordinal);
        foreach (var u in stored)
        {
            users[u.Name] = new UserAccount(u.Name, u.Role, u.AgentId, u.Department, u.PasswordHash, u.Stamp, u.Demo, u.RosterDate);
        }
        var iterations = users.Values.Select(u => PasswordHasher.Iterations(u.PasswordHash)).OfType<int>()
            .GroupBy(i => i).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).Select(g => g.Key).FirstOrDefault(PasswordHasher.DefaultIterations);
        var dummy = previous is not null && PasswordHasher.Iterations(previous.DummyHash) == iterations
            ? previous.DummyHash
            : PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), iterations);
        return new Contents(users, dummy);
    }

    /// <summary>
    /// The users of a users file, as the staff table's first rows: a plain (demo) <c>password</c> is hashed here and
    /// marked demo, so no password is stored. A malformed file throws <see cref="InvalidOperationException"/> naming
    /// the file and the problem (the start stops rather than seeding nobody, or everybody).
    /// </summary>
    public static IReadOnlyList<StaffUser> ReadSeed(string path)
    {
        var file = StartupFile.ReadJson(path, "users file", UsersFileJsonContext.Default.UsersFile) ?? new UsersFile();
        var users = new List<StaffUser>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in file.Users ?? [])
        {
            index++;
            var where = $"users file {path}: user #{index}";
            if (string.IsNullOrWhiteSpace(entry.Name)) throw new InvalidOperationException($"{where}: 'name' is required");
            if (!PlainText.IsClean(entry.Name)) throw new InvalidOperationException($"{where} ({LogText.Safe(entry.Name)}): 'name' {PlainText.Refusal}");
            CheckRole(entry.Role, entry.Agent, entry.Department, $"{where} ({entry.Name})");
            var hash = entry.PasswordHash ?? (entry.Password is { Length: > 0 } p ? PasswordHasher.Hash(p, DemoHashIterations) : null);
            if (hash is null) throw new InvalidOperationException($"{where} ({entry.Name}): 'passwordHash' (or, for demos, 'password') is required");
            if (!names.Add(entry.Name)) throw new InvalidOperationException($"{where}: duplicate user name '{entry.Name}'");
            users.Add(new StaffUser(entry.Name, entry.Role!, entry.Agent, entry.Department, hash, entry.Stamp ?? DerivedStamp(entry),
                Demo: entry.PasswordHash is null));
        }
        return users;
    }

    /// <summary>Throws naming the problem when <paramref name="role"/> is unknown or lacks what it needs.</summary>
    public static void CheckRole(string? role, string? agent, string? department, string where)
    {
        if (role is null || !Roles.All.Contains(role)) throw new InvalidOperationException($"{where}: 'role' must be one of {string.Join(", ", Roles.All)}");
        if (role == Roles.Agent && string.IsNullOrWhiteSpace(agent)) throw new InvalidOperationException($"{where}: an agent needs 'agent' (the agent id)");
        if (role == Roles.Handler && string.IsNullOrWhiteSpace(department)) throw new InvalidOperationException($"{where}: a handler needs 'department'");
        if (!PlainText.IsClean(agent) || !PlainText.IsClean(department)) throw new InvalidOperationException($"{where}: 'agent' and 'department' {PlainText.Refusal}");
    }

    // Stable for an unchanged entry (every node seeding at once computes the same).
    private static string DerivedStamp(UserEntry entry) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', entry.Name, entry.Role, entry.Agent, entry.Department, entry.PasswordHash ?? "plain:" + entry.Password))), 0, 16);

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private sealed record Contents(IReadOnlyDictionary<string, UserAccount> ByName, string DummyHash);

    internal sealed class UsersFile
    {
        [JsonPropertyName("_comment")]
        public string? Comment { get; set; }
        public List<UserEntry>? Users { get; set; }
    }

    internal sealed class UserEntry
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
        public string? Agent { get; set; }
        public string? Department { get; set; }
        public string? Password { get; set; }
        public string? PasswordHash { get; set; }
        /// <summary>The security stamp; absent: derived from the entry (see <see cref="DerivedStamp"/>).</summary>
        public string? Stamp { get; set; }
    }
}

/// <summary>A user as an administrator creates or replaces it; <see cref="Password"/> null keeps an existing user's password.</summary>
public sealed record UserSpec(string Name, string Role, string? AgentId, string? Department, string? Password, DateOnly? RosterDate);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserDirectory.UsersFile))]
internal sealed partial class UsersFileJsonContext : JsonSerializerContext;
