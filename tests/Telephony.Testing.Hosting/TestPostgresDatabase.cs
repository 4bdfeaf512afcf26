using Npgsql;

namespace Telephony.Testing.Hosting;

/// <summary>
/// A database of the test's own on the PostgreSQL server named by TELEPHONY_TEST_POSTGRES (default 127.0.0.1:5440),
/// for server processes that share one case database as the nodes of a deployment do; dropped on dispose.
/// </summary>
public sealed class TestPostgresDatabase : IAsyncDisposable
{
    private TestPostgresDatabase(string name) =>
        ConnectionString = new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString;

    private static string Admin => Environment.GetEnvironmentVariable("TELEPHONY_TEST_POSTGRES") is { Length: > 0 } s
        ? s : "Host=127.0.0.1;Port=5440;Username=postgres;Database=postgres";

    /// <summary>The connection string of the new database.</summary>
    public string ConnectionString { get; }

    private string Name => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    /// <summary>Creates <c>cases_test_&lt;guid&gt;</c>.</summary>
    public static async Task<TestPostgresDatabase> CreateAsync()
    {
        var database = new TestPostgresDatabase($"cases_test_{Guid.NewGuid():N}");
        await ExecAsync($"CREATE DATABASE {database.Name}");
        return database;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
