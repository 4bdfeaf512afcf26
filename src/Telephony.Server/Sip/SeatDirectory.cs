using System.Text.Json;
using Telephony.Sip.Auth;

namespace Telephony.Server.Sip;

/// <summary>
/// The agent seats that may register and call, loaded from the seats file (<c>Sip:SeatsFile</c>):
/// <c>{ "seats": [ { "extension": "1001", "password": "…" }, … ] }</c>. Serves as the digest credential store.
/// </summary>
public sealed class SeatDirectory : ICredentialStore
{
    private readonly Dictionary<string, string> _passwords;

    /// <summary>Creates a directory from extension → password pairs.</summary>
    public SeatDirectory(IReadOnlyDictionary<string, string> passwords) =>
        _passwords = new Dictionary<string, string>(passwords, StringComparer.Ordinal);

    /// <summary>All seat extensions.</summary>
    public IReadOnlyCollection<string> Extensions => _passwords.Keys;

    /// <summary>The prefix of the shipped seats file's demo passwords.</summary>
    public const string DemoPasswordPrefix = "demo-";

    /// <summary>Seats whose password is a shipped demo one (begins with <see cref="DemoPasswordPrefix"/>).</summary>
    public IReadOnlyList<string> DemoSeats =>
        _passwords.Where(p => p.Value.StartsWith(DemoPasswordPrefix, StringComparison.Ordinal)).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>True when <paramref name="extension"/> is a seat.</summary>
    public bool Contains(string extension) => _passwords.ContainsKey(extension);

    /// <inheritdoc />
    public bool TryGetPassword(string username, out string password) => _passwords.TryGetValue(username, out password!);

    /// <summary>Loads and validates a seats file; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static SeatDirectory Load(string path)
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
            if (string.IsNullOrWhiteSpace(seat.Extension) || !seat.Extension.All(char.IsAsciiDigit))
            {
                throw new InvalidDataException($"{path}: seat #{i + 1}: extension must be digits");
            }
            if (string.IsNullOrEmpty(seat.Password) || seat.Password.Length < 4)
            {
                throw new InvalidDataException($"{path}: seat {seat.Extension}: password missing or shorter than 4 characters");
            }
            if (!passwords.TryAdd(seat.Extension, seat.Password))
            {
                throw new InvalidDataException($"{path}: seat {seat.Extension} listed twice");
            }
        }
        return new SeatDirectory(passwords);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record SeatsFile(List<SeatEntry>? Seats);

    private sealed record SeatEntry(string? Extension, string? Password);
}
