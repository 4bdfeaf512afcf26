using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Server.Hosting;
using Telephony.Server.Http;

namespace Telephony.Server.Security;

/// <summary>
/// The users file (JSON): who may use the REST API and hubs, with which role, and each user's security
/// stamp. A malformed file stops the server at start with a message naming the file and the problem,
/// rather than starting with nobody (or everybody) allowed in.
/// <para>
/// Changes made here (logout, role change, removal) are written back to the file at once (a new file
/// moved over the old one), so they survive a restart. The file is looked at again at most once per
/// <see cref="RecheckInterval"/> when a user is looked up: nodes that share the file (one volume) see
/// each other's changes within that time. A user without a <c>stamp</c> in the file has one derived
/// from the entry itself, so an edit of the role or password by hand revokes that user's tokens too.
/// </para>
/// </summary>
public sealed class UserDirectory
{
    /// <summary>How often, at most, the file is checked for changes made elsewhere.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    // Plain demo passwords are hashed on load with this cost (they are demo accounts; see DemoAccounts).
    private const int DemoHashIterations = 10_000;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private Contents _contents;
    private long _nextCheck;

    private UserDirectory(string path, Contents contents, TimeProvider time, ILogger log)
    {
        _path = path;
        _contents = contents;
        _time = time;
        _log = log;
        _nextCheck = time.GetTimestamp() + Ticks(RecheckInterval);
    }

    /// <summary>The users as they are now.</summary>
    public IEnumerable<UserAccount> Users => Current.ByName.Values;

    /// <summary>
    /// A hash of no one's password with the iteration count most of the users' hashes have: a login for
    /// an unknown name is verified against it, so it costs what a wrong password for a known name costs.
    /// </summary>
    public string DummyHash => Current.DummyHash;

    /// <summary>Users whose password is in the file in plain text (the shipped demo accounts).</summary>
    public IReadOnlyList<string> DemoAccounts => Current.File.Users?.Where(u => u.PasswordHash is null && u.Password is not null).Select(u => u.Name!).ToList() ?? [];

    private Contents Current
    {
        get
        {
            RefreshIfChanged();
            return Volatile.Read(ref _contents);
        }
    }

    public UserAccount? Find(string name) => Current.ByName.GetValueOrDefault(name);

    /// <summary>True when <paramref name="name"/> is a user and <paramref name="stamp"/> (from a token) is that user's stamp now.</summary>
    public bool IsCurrent(string? name, string? stamp) =>
        name is not null && stamp is not null && Find(name) is { } user && string.Equals(user.Stamp, stamp, StringComparison.Ordinal);

    /// <summary>Gives <paramref name="name"/> a new stamp (every token issued so far is refused from now on); false for an unknown name.</summary>
    public bool Revoke(string name) =>
        Change(name, (file, entry) => entry.Stamp = NewStamp()) == UserChange.Done;

    /// <summary>
    /// Changes <paramref name="name"/>'s role (with the agent id an agent needs or the department a handler
    /// needs; either is kept from before when not given) and revokes the user's tokens.
    /// Throws <see cref="InvalidOperationException"/> naming what is wrong with the new role.
    /// </summary>
    public UserChange SetRole(string name, string role, string? agent, string? department)
    {
        if (Find(name) is not { } user)
        {
            return UserChange.NotFound;
        }
        CheckRole(role, role == Roles.Agent ? agent ?? user.AgentId : null, role == Roles.Handler ? department ?? user.Department : null, "role");
        return Change(name, (file, entry) =>
        {
            entry.Role = role;
            entry.Agent = role == Roles.Agent ? agent ?? entry.Agent : null;
            entry.Department = role == Roles.Handler ? department ?? entry.Department : null;
            entry.Stamp = NewStamp();
        });
    }

    /// <summary>Removes <paramref name="name"/>; the user's tokens are refused from now on.</summary>
    public UserChange Delete(string name) => Change(name, (file, entry) => file.Users!.Remove(entry));

    private UserChange Change(string name, Action<UsersFile, UserEntry> change)
    {
        lock (_gate)
        {
            // Apply the change to what the file holds now (another node may have written it).
            ReloadIfChangedLocked();
            var current = _contents;
            var file = Copy(current.File);
            var entry = file.Users?.FirstOrDefault(u => u.Name == name);
            if (entry is null)
            {
                return UserChange.NotFound;
            }
            change(file, entry);
            var contents = Build(file, _path, current);
            if (current.ByName.Values.Any(u => u.Role == Roles.Admin) && !contents.ByName.Values.Any(u => u.Role == Roles.Admin))
            {
                return UserChange.LastAdmin;
            }
            Save(file);
            Volatile.Write(ref _contents, contents with { Version = VersionOf(_path) });
            return UserChange.Done;
        }
    }

    public static UserDirectory Load(string path, TimeProvider? time = null, ILogger? log = null)
    {
        var file = StartupFile.ReadJson(path, "users file", UsersFileJsonContext.Default.UsersFile) ?? new UsersFile();
        var contents = Build(file, path, null) with { Version = VersionOf(path) };
        return new UserDirectory(path, contents, time ?? TimeProvider.System, log ?? NullLogger.Instance);
    }

    private void RefreshIfChanged()
    {
        var now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck))
        {
            return;
        }
        Volatile.Write(ref _nextCheck, now + Ticks(RecheckInterval));
        if (VersionOf(_path) == Volatile.Read(ref _contents).Version)
        {
            return;
        }
        lock (_gate)
        {
            ReloadIfChangedLocked();
        }
    }

    private void ReloadIfChangedLocked()
    {
        var version = VersionOf(_path);
        if (version == _contents.Version || version.Length < 0)
        {
            return;
        }
        try
        {
            var file = StartupFile.ReadJson(_path, "users file", UsersFileJsonContext.Default.UsersFile) ?? new UsersFile();
            Volatile.Write(ref _contents, Build(file, _path, _contents) with { Version = version });
            SecurityLog.UsersReloaded(_log, _path, _contents.ByName.Count);
        }
        catch (InvalidOperationException e)
        {
            // Keep serving the last good users; say so once per version of the file.
            Volatile.Write(ref _contents, _contents with { Version = version });
            SecurityLog.UsersReloadFailed(_log, _path, e.Message);
        }
    }

    private static Contents Build(UsersFile file, string path, Contents? previous)
    {
        var users = new Dictionary<string, UserAccount>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in file.Users ?? [])
        {
            index++;
            var where = $"users file {path}: user #{index}";
            if (string.IsNullOrWhiteSpace(entry.Name)) throw new InvalidOperationException($"{where}: 'name' is required");
            if (!PlainText.IsClean(entry.Name)) throw new InvalidOperationException($"{where} ({LogText.Safe(entry.Name)}): 'name' {PlainText.Refusal}");
            CheckRole(entry.Role, entry.Agent, entry.Department, $"{where} ({entry.Name})");

            // A plain 'password' is accepted for demo files only; it is hashed on load so it is
            // never compared in plain text. Production files carry 'passwordHash'.
            var hash = entry.PasswordHash ?? (entry.Password is { Length: > 0 } p ? HashOfPlain(entry.Name, p, previous) : null);
            if (hash is null) throw new InvalidOperationException($"{where} ({entry.Name}): 'passwordHash' (or, for demos, 'password') is required");
            var account = new UserAccount(entry.Name, entry.Role!, entry.Agent, entry.Department, hash, entry.Stamp ?? DerivedStamp(entry));
            if (!users.TryAdd(entry.Name, account))
            {
                throw new InvalidOperationException($"{where}: duplicate user name '{entry.Name}'");
            }
        }

        var iterations = users.Values.Select(u => PasswordHasher.Iterations(u.PasswordHash)).OfType<int>()
            .GroupBy(i => i).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).Select(g => g.Key).FirstOrDefault(PasswordHasher.DefaultIterations);
        var dummy = previous is not null && PasswordHasher.Iterations(previous.DummyHash) == iterations
            ? previous.DummyHash
            : PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), iterations);
        return new Contents(file, users, dummy, default);
    }

    // Reloading re-hashes only plain passwords that changed (hashing all of them takes a while).
    private static string HashOfPlain(string name, string password, Contents? previous) =>
        previous is not null && previous.File.Users?.Any(u => u.Name == name && u.PasswordHash is null && u.Password == password) == true
            && previous.ByName.TryGetValue(name, out var before)
            ? before.PasswordHash
            : PasswordHasher.Hash(password, DemoHashIterations);

    /// <summary>Throws naming the problem when <paramref name="role"/> is unknown or lacks what it needs.</summary>
    public static void CheckRole(string? role, string? agent, string? department, string where)
    {
        if (role is null || !Roles.All.Contains(role)) throw new InvalidOperationException($"{where}: 'role' must be one of {string.Join(", ", Roles.All)}");
        if (role == Roles.Agent && string.IsNullOrWhiteSpace(agent)) throw new InvalidOperationException($"{where}: an agent needs 'agent' (the agent id)");
        if (role == Roles.Handler && string.IsNullOrWhiteSpace(department)) throw new InvalidOperationException($"{where}: a handler needs 'department'");
        if (!PlainText.IsClean(agent) || !PlainText.IsClean(department)) throw new InvalidOperationException($"{where}: 'agent' and 'department' {PlainText.Refusal}");
    }

    // Stable for an unchanged entry (every node and every restart computes the same), different once
    // the role, agent, department or password changes.
    private static string DerivedStamp(UserEntry entry) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', entry.Name, entry.Role, entry.Agent, entry.Department, entry.PasswordHash ?? "plain:" + entry.Password))), 0, 16);

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private void Save(UsersFile file)
    {
        var temp = _path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(file, UsersFileJsonContext.Default.UsersFile));
        try
        {
            // A reader (another node) sees the old file or the new one, never half of one.
            File.Move(temp, _path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static UsersFile Copy(UsersFile file) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(file, UsersFileJsonContext.Default.UsersFile), UsersFileJsonContext.Default.UsersFile)!;

    private static FileVersion VersionOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileVersion(info.LastWriteTimeUtc, info.Length) : new FileVersion(default, -1);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed record Contents(UsersFile File, IReadOnlyDictionary<string, UserAccount> ByName, string DummyHash, FileVersion Version);

    private readonly record struct FileVersion(DateTime WrittenUtc, long Length);

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

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserDirectory.UsersFile))]
internal sealed partial class UsersFileJsonContext : JsonSerializerContext;
