using System.Text.Json;
using Telephony.Cases.Staff;
using Telephony.Sip.Auth;

namespace Telephony.Server.Sip;

/// <summary>
/// The agent seats that may register and call: the digest credential store. In the server the seats come from the
/// staff tables (<see cref="Administration.StaffCatalog"/>) as HA1 per realm (no password is kept, RFC 3261 §22.4), and
/// the whole table is replaced at once when an administrator changes a seat, so the next REGISTER meets the new
/// password. The seats file (<c>Sip:SeatsFile</c>: <c>{ "seats": [ { "extension": "1001", "password": "…" }, … ] }</c>)
/// only seeds an empty table; a directory built from passwords (tests, tools) still works.
/// </summary>
public sealed class SeatDirectory : ICredentialStore, IHa1Store
{
    private Table _table;

    /// <summary>Creates a directory from extension → password pairs.</summary>
    public SeatDirectory(IReadOnlyDictionary<string, string> passwords) =>
        _table = new Table(new Dictionary<string, string>(passwords, StringComparer.Ordinal), new Dictionary<string, StaffSeat>(StringComparer.Ordinal));

    /// <summary>Creates a directory from stored seats (HA1s).</summary>
    public SeatDirectory(IEnumerable<StaffSeat> seats) => _table = TableOf(seats);

    /// <summary>Makes <paramref name="seats"/> the seats (readers see the old table or the new one).</summary>
    public void Replace(IEnumerable<StaffSeat> seats) => Volatile.Write(ref _table, TableOf(seats));

    private Table Current => Volatile.Read(ref _table);

    /// <summary>All seat extensions.</summary>
    public IReadOnlyCollection<string> Extensions => [.. Current.Passwords.Keys.Union(Current.Stored.Keys)];

    /// <summary>The prefix of the shipped seats file's demo passwords.</summary>
    public const string DemoPasswordPrefix = "demo-";

    /// <summary>Seats whose password is a shipped demo one (begins with <see cref="DemoPasswordPrefix"/>).</summary>
    public IReadOnlyList<string> DemoSeats =>
        Current.Passwords.Where(p => IsDemoPassword(p.Value)).Select(p => p.Key)
            .Concat(Current.Stored.Values.Where(s => s.Demo).Select(s => s.Extension)).Order(StringComparer.Ordinal).ToList();

    /// <summary>True for a password of the shipped kind (anyone who read the repository knows such passwords).</summary>
    public static bool IsDemoPassword(string password) => password.StartsWith(DemoPasswordPrefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="extension"/> is a seat.</summary>
    public bool Contains(string extension) => Current.Passwords.ContainsKey(extension) || Current.Stored.ContainsKey(extension);

    /// <inheritdoc />
    public bool TryGetPassword(string username, out string password) => Current.Passwords.TryGetValue(username, out password!);

    /// <inheritdoc />
    public bool TryGetHa1(string username, string realm, DigestAlgorithm algorithm, out string ha1)
    {
        if (Current.Stored.TryGetValue(username, out var seat) && seat.Realm == realm)
        {
            ha1 = algorithm == DigestAlgorithm.Sha256 ? seat.Ha1Sha256 : seat.Ha1Md5;
            return true;
        }
        ha1 = "";
        return false;
    }

    /// <summary>A seat as stored for <paramref name="password"/>: its HA1 for both algorithms in <paramref name="realm"/>.</summary>
    public static StaffSeat Credentials(string extension, string realm, string password) => new(
        extension, realm,
        DigestCalculator.Ha1(DigestAlgorithm.Md5, extension, realm, password),
        DigestCalculator.Ha1(DigestAlgorithm.Sha256, extension, realm, password),
        IsDemoPassword(password));

    /// <summary>Loads and validates a seats file; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static SeatDirectory Load(string path) => new(ReadPasswords(path));

    /// <summary>The extension → password pairs of a seats file; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static IReadOnlyDictionary<string, string> ReadPasswords(string path)
    {
        using var stream = File.OpenRead(path);
        SeatsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SeatsFile>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid seats file: {e.Message}", e);
        }
        if (file?.Seats is null)
        {
            throw new InvalidDataException($"{path}: missing \"seats\" array");
        }
        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < file.Seats.Count; i++)
        {
            var seat = file.Seats[i];
            if (!IsExtension(seat.Extension))
            {
                throw new InvalidDataException($"{path}: seat #{i + 1}: extension must be digits");
            }
            if (string.IsNullOrEmpty(seat.Password) || seat.Password.Length < MinPasswordLength)
            {
                throw new InvalidDataException($"{path}: seat {seat.Extension}: password missing or shorter than 4 characters");
            }
            if (!passwords.TryAdd(seat.Extension!, seat.Password))
            {
                throw new InvalidDataException($"{path}: seat {seat.Extension} listed twice");
            }
        }
        return passwords;
    }

    /// <summary>The shortest seat password a file may hold (the admin API asks for more, see <c>AdminEndpoints</c>).</summary>
    public const int MinPasswordLength = 4;

    /// <summary>A seat extension: 1..16 ASCII digits.</summary>
    public static bool IsExtension(string? extension) =>
        extension is { Length: > 0 and <= 16 } && extension.All(char.IsAsciiDigit);

    private static Table TableOf(IEnumerable<StaffSeat> seats) =>
        new(new Dictionary<string, string>(StringComparer.Ordinal), seats.ToDictionary(s => s.Extension, StringComparer.Ordinal));

    private sealed record Table(IReadOnlyDictionary<string, string> Passwords, IReadOnlyDictionary<string, StaffSeat> Stored);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record SeatsFile(List<SeatEntry>? Seats);

    private sealed record SeatEntry(string? Extension, string? Password);
}
