using System.Text.Json;
using System.Text.Json.Serialization;
using Telephony.Server.Hosting;

namespace Telephony.Server.Security;

/// <summary>
/// The users file (JSON): who may use the REST API and hubs, with which role. Read once at
/// start; a malformed file stops the server with a message naming the file and the problem,
/// rather than starting with nobody (or everybody) allowed in.
/// </summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, UserAccount> _byName;

    private UserDirectory(Dictionary<string, UserAccount> byName) => _byName = byName;

    public IEnumerable<UserAccount> Users => _byName.Values;

    public UserAccount? Find(string name) => _byName.GetValueOrDefault(name);

    public static UserDirectory Load(string path)
    {
        var file = StartupFile.ReadJson(path, "users file", UsersFileJsonContext.Default.UsersFile);

        var users = new Dictionary<string, UserAccount>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in file?.Users ?? [])
        {
            index++;
            var where = $"users file {path}: user #{index}";
            if (string.IsNullOrWhiteSpace(entry.Name)) throw new InvalidOperationException($"{where}: 'name' is required");
            if (entry.Role is null || !Roles.All.Contains(entry.Role)) throw new InvalidOperationException($"{where} ({entry.Name}): 'role' must be one of {string.Join(", ", Roles.All)}");
            if (entry.Role == Roles.Agent && string.IsNullOrWhiteSpace(entry.Agent)) throw new InvalidOperationException($"{where} ({entry.Name}): an agent needs 'agent' (the agent id)");
            if (entry.Role == Roles.Handler && string.IsNullOrWhiteSpace(entry.Department)) throw new InvalidOperationException($"{where} ({entry.Name}): a handler needs 'department'");

            // A plain 'password' is accepted for demo files only; it is hashed on load so it is
            // never compared in plain text. Production files carry 'passwordHash'.
            var hash = entry.PasswordHash ?? (entry.Password is { Length: > 0 } p ? PasswordHasher.Hash(p, iterations: 10_000) : null);
            if (hash is null) throw new InvalidOperationException($"{where} ({entry.Name}): 'passwordHash' (or, for demos, 'password') is required");
            if (!users.TryAdd(entry.Name, new UserAccount(entry.Name, entry.Role, entry.Agent, entry.Department, hash)))
            {
                throw new InvalidOperationException($"{where}: duplicate user name '{entry.Name}'");
            }
        }

        return new UserDirectory(users);
    }

    internal sealed class UsersFile
    {
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
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(UserDirectory.UsersFile))]
internal sealed partial class UsersFileJsonContext : JsonSerializerContext;
