using Telephony.Server.Sip;

namespace Telephony.Server.Administration;

/// <summary>Body of <c>PUT /api/admin/seats/{extension}</c>: the seat phone's new digest password.</summary>
public sealed record SeatRequest(string? Password);

/// <summary>
/// Seats' SIP credentials. The password is never stored: the seat's HA1 for MD5 and SHA-256 in our realm is
/// (RFC 3261 §22.4, RFC 7616 §3.4.2), and never shown again. A changed password is asked for at the phone's next
/// REGISTER on any node; a registration made before stays until it expires or the phone registers again.
/// </summary>
internal static partial class AdminEndpoints
{
    private static void MapSeats(RouteGroupBuilder admin)
    {
        admin.MapGet("/seats", (SeatDirectory seats) =>
        {
            var demo = seats.DemoSeats.ToHashSet(StringComparer.Ordinal);
            return Results.Ok(seats.Extensions.Order(StringComparer.Ordinal).Select(e => new { extension = e, demo = demo.Contains(e) }));
        });
        admin.MapPut("/seats/{extension}", SaveSeatAsync);
        admin.MapDelete("/seats/{extension}", DeleteSeatAsync);
    }

    private static async Task<IResult> SaveSeatAsync(string extension, SeatRequest? body, HttpContext http, StaffCatalog staff, TimeProvider time)
    {
        if (!SeatDirectory.IsExtension(extension)) return Invalid("extension", "must be 1..16 digits");
        if (body?.Password is not { } password || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
            return Invalid("password", $"must be {MinPasswordLength}..{MaxPasswordLength} characters");
        if (!PlainTextPassword(password)) return Invalid("password", "may hold only printable ASCII (phones type it)");
        var (write, failure) = await WriteAsync(http, staff, () => staff.Store.SaveSeatAsync(
            SeatDirectory.Credentials(extension, staff.Realm, password), AdminName(http.User), time.GetUtcNow()));
        if (failure is not null) return failure;
        Audit(http, write.Existed ? "updated" : "created", "seat", extension, " (new SIP password)");
        return Saved(!write.Existed, $"/api/admin/seats/{extension}", new { extension, demo = SeatDirectory.IsDemoPassword(password) });
    }

    private static Task<IResult> DeleteSeatAsync(string extension, HttpContext http, StaffCatalog staff) =>
        !SeatDirectory.IsExtension(extension) ? Task.FromResult(Invalid("extension", "must be 1..16 digits"))
        : DeleteAsync(http, staff, "seat", extension, () => staff.Store.DeleteSeatAsync(extension));

    private static bool PlainTextPassword(string password) => password.All(c => c is >= '!' and <= '~');
}
