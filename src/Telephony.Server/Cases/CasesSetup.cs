using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telephony.Cases;
using Telephony.Cases.Sms;
using Telephony.Cases.Storage;

using Telephony.Server.Hosting;

namespace Telephony.Server.Cases;

/// <summary>Configuration section <c>Cases</c>.</summary>
public sealed class CasesSettings
{
    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";
    /// <summary>ADO.NET connection string; default: a SQLite file <c>cases.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Development SMS gateway: outgoing messages are appended here as JSON lines.</summary>
    public string? SmsOutboxFile { get; set; }
    /// <summary>Shared secret the SMS gateway sends in <c>X-Gateway-Token</c>; the inbound webhook is closed while unset.</summary>
    public string? SmsWebhookToken { get; set; }
    /// <summary>Largest request body the case endpoints accept (bytes).</summary>
    public long MaxRequestBytes { get; set; } = 64 * 1024;
    /// <summary>Working days to complete a case.</summary>
    public int CompletionWorkingDays { get; set; } = 5;

    /// <summary>Each bad value as "Cases:Key = value: what is allowed" (checked at start).</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (Provider is not ("sqlite" or "postgres"))
        {
            yield return $"{section}:Provider = '{Provider}': use sqlite or postgres";
        }
        if (Provider == "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{section}:ConnectionString is required for the postgres provider";
        }
        if (MaxRequestBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return FormattableString.Invariant($"{section}:MaxRequestBytes = {MaxRequestBytes} is out of range: use 1024..16777216");
        }
        if (CompletionWorkingDays is < 1 or > 60)
        {
            yield return FormattableString.Invariant($"{section}:CompletionWorkingDays = {CompletionWorkingDays} is out of range: use 1..60");
        }
    }
}

public static class CasesSetup
{
    /// <summary>Registers the case store (migrated at start), the case service and the SMS gateway.</summary>
    public static WebApplicationBuilder AddTelephonyCases(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.AddSettings<CasesSettings>("Cases", (o, section) => o.Validate(section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var dialect = SqlDialect.FromName(settings.Provider);
            var cs = settings.ConnectionString;
            if (string.IsNullOrWhiteSpace(cs))
            {
                if (dialect != SqlDialect.Sqlite)
                {
                    throw new InvalidOperationException("Cases:ConnectionString is required for the postgres provider");
                }
                var file = ServerPaths.InDataFolder(builder.Configuration, "cases.db");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                cs = $"Data Source={file}";
            }
            return new SqlCaseStore(dialect, cs, sp.GetRequiredService<ILogger<SqlCaseStore>>());
        });
        builder.Services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        builder.Services.AddSingleton<IDirectoryStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        builder.Services.AddSingleton<ICallRecordStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        builder.Services.TryAddSingleton<ISmsGateway>(sp =>
        {
            var path = ServerPaths.InDataFolder(builder.Configuration, settings.SmsOutboxFile is { Length: > 0 } outbox ? outbox : "sms-outbox.jsonl");
            return new FileSmsGateway(path, sp.GetRequiredService<ILogger<FileSmsGateway>>(), sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton(sp => new CaseOptions
        {
            CompletionWorkingDays = settings.CompletionWorkingDays,
        });
        builder.Services.AddSingleton<CaseService>();
        builder.Services.AddSingleton<SmsDestinationLimit>();
        builder.Services.AddHostedService<CaseStoreMigration>();
        return builder;
    }

    /// <summary>Maps the case, directory, calendar, KPI, call-record and intake endpoints (after authentication).</summary>
    public static WebApplication MapTelephonyCases(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestSizeGuard>();
        CaseEndpoints.Map(app);
        DirectoryEndpoints.Map(app);
        IntakeEndpoints.Map(app);
        return app;
    }
}

/// <summary>Brings the case database to the newest schema before the server takes requests.</summary>
internal sealed class CaseStoreMigration(SqlCaseStore store, ILogger<CaseStoreMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        CaseApiLog.StoreReady(logger, store.Dialect.Name, applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
