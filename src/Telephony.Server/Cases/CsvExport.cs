using System.Globalization;
using System.Text;
using Telephony.Cases;

namespace Telephony.Server.Cases;

/// <summary>Cases as CSV (RFC 4180): comma-separated, CRLF line ends, fields quoted when needed.</summary>
internal static class CsvExport
{
    private static readonly string[] Header =
    [
        "id", "number", "status", "channel", "category", "department_id", "created_at", "due_at", "completed_at",
        "satisfaction", "citizen_name", "citizen_phone", "location", "description", "version",
    ];

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<Case> cases, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Header) + "\r\n").ConfigureAwait(false);
        await foreach (var c in cases.WithCancellation(ct).ConfigureAwait(false))
        {
            await writer.WriteAsync(Row(c)).ConfigureAwait(false);
        }
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    public static string Row(Case c)
    {
        var inv = CultureInfo.InvariantCulture;
        string[] fields =
        [
            c.Id.ToString(inv), c.Number, c.Status.ToString(), c.Channel.ToString(), c.Category.ToString(),
            c.DepartmentId?.ToString(inv) ?? "", c.CreatedAt.ToString("O", inv), c.DueAt.ToString("O", inv),
            c.CompletedAt?.ToString("O", inv) ?? "", c.Satisfaction?.ToString() ?? "",
            Text(c.CitizenName), Text(c.CitizenPhone), Text(c.Location), Text(c.Description), c.Version.ToString(inv),
        ];
        return string.Join(',', fields.Select(Quote)) + "\r\n";
    }

    /// <summary>RFC 4180 §2: a field with a comma, quote or line break is quoted, quotes doubled.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>Citizen-typed text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).</summary>
    private static string Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";
}
