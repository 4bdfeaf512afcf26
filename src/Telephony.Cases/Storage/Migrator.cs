using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Telephony.Cases.Storage;

/// <summary>Brings a database up to the newest schema: each pending migration once, in order, each in its own transaction.</summary>
public static partial class Migrator
{
    /// <param name="upToVersion">Stop after this version (a bulk loader applies the index step after loading); null = all.</param>
    public static async Task<IReadOnlyList<int>> MigrateAsync(SqlDialect dialect, string connectionString, ILogger logger, CancellationToken ct = default, int? upToVersion = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(logger);
        var applied = new List<int>();
        await using var connection = dialect.CreateConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        if (dialect.StartupPragmas.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(dialect.StartupPragmas, cancellationToken: ct)).ConfigureAwait(false);
        }
        // Under the lock too: two nodes starting on a fresh PostgreSQL database both ran CREATE TABLE IF NOT EXISTS, and
        // the second failed on pg_type's unique index (IF NOT EXISTS is not safe against a concurrent create).
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            if (dialect.MigrationLock.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.MigrationLock, transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        foreach (var migration in Migrations.All.Where(m => upToVersion is null || m.Version <= upToVersion).OrderBy(m => m.Version))
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (dialect.MigrationLock.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.MigrationLock, transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            }
            // Checked under the lock: another node may have applied it meanwhile.
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @v", new { v = migration.Version }, tx, cancellationToken: ct)).ConfigureAwait(false);
            if (done > 0)
            {
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql(dialect), transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)",
                new { v = migration.Version, n = migration.Name, t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx, cancellationToken: ct)).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            LogApplied(logger, dialect.Name, migration.Version, migration.Name);
            applied.Add(migration.Version);
        }
        return applied;
    }

    /// <summary>The versions recorded as applied, ascending.</summary>
    public static async Task<IReadOnlyList<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken ct = default) =>
        (await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", cancellationToken: ct)).ConfigureAwait(false)).AsList();
}
