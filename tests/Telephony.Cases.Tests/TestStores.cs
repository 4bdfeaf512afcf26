using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Telephony.Cases.Sms;

namespace Telephony.Cases.Tests;

/// <summary>A real database for one fixture: a temp SQLite file, or a fresh PostgreSQL database dropped afterwards.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract SqlDialect Dialect { get; }
    public abstract string ConnectionString { get; }

    public SqlCaseStore CreateStore() => new(Dialect, ConnectionString, NullLogger<SqlCaseStore>.Instance);

    public abstract ValueTask DisposeAsync();

    public static TestDatabase Create(string provider) => provider switch
    {
        "sqlite" => new SqliteTestDatabase(),
        "postgres" => PostgresTestDatabase.Create(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"telephony-cases-{Guid.NewGuid():N}.db");

    public override SqlDialect Dialect => SqlDialect.Sqlite;
    public override string ConnectionString => $"Data Source={_path};Pooling=False";

    public override ValueTask DisposeAsync()
    {
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" })
        {
            File.Delete(f);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Creates <c>cases_test_&lt;guid&gt;</c> on the server named by TELEPHONY_TEST_POSTGRES (fails if it is not there).</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _admin;
    private readonly string _name;

    private PostgresTestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_POSTGRES") is { Length: > 0 } s
            ? s : "Host=127.0.0.1;Port=5440;Username=postgres;Database=postgres";

    public static PostgresTestDatabase Create()
    {
        var name = $"cases_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            cmd.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
        return new PostgresTestDatabase(AdminConnectionString, name, builder.ConnectionString);
    }

    public override SqlDialect Dialect => SqlDialect.Postgres;
    public override string ConnectionString { get; }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>An SMS gateway that remembers what it was asked to send and when (by the fake clock).</summary>
public sealed class RecordingSmsGateway(TimeProvider time) : ISmsGateway
{
    private readonly List<(string To, string Body, DateTimeOffset At)> _sent = [];

    public bool Fail { get; set; }

    public IReadOnlyList<(string To, string Body, DateTimeOffset At)> Sent
    {
        get { lock (_sent) { return _sent.ToList(); } }
    }

    public Task SendAsync(string to, string body, CancellationToken ct = default)
    {
        if (Fail)
        {
            throw new IOException("gateway down");
        }
        lock (_sent)
        {
            _sent.Add((to, body, time.GetUtcNow()));
        }
        return Task.CompletedTask;
    }
}

/// <summary>The service wired over one store with a fake clock, as the tests use it.</summary>
public sealed class Harness
{
    public Harness(SqlCaseStore store, DateTimeOffset start)
    {
        Store = store;
        Time = new FakeTimeProvider(start);
        Sms = new RecordingSmsGateway(Time);
        Service = new CaseService(store, store, store, Sms, Time, new CaseOptions(), NullLogger<CaseService>.Instance);
    }

    public SqlCaseStore Store { get; }
    public FakeTimeProvider Time { get; }
    public RecordingSmsGateway Sms { get; }
    public CaseService Service { get; }

    public static Actor Agent { get; } = new("agent-7", ActorRole.Agent);
    public static Actor Supervisor { get; } = new("sup-1", ActorRole.Supervisor);
    public static Actor Admin { get; } = new("admin", ActorRole.Admin);
    public static Actor Handler(long dept) => new($"handler-{dept}", ActorRole.DepartmentHandler, dept);

    public Task<Case> Move(Case c, CaseAction action, Actor actor, string? note = null, long? dept = null, int? days = null,
        Satisfaction? satisfaction = null, string? reply = null, long? into = null) =>
        Service.TransitionAsync(c.Id, new Transition
        {
            Action = action, ExpectedVersion = c.Version, Note = note, DepartmentId = dept, Days = days,
            Satisfaction = satisfaction, ReplyText = reply, IntoCaseId = into,
        }, actor);

    public Task<Case> Intake(string description = "street light broken on Elm Road", CaseChannel channel = CaseChannel.Phone,
        CaseCategory category = CaseCategory.HelpRequest, string? phone = "13800000001") =>
        Service.CreateAsync(new CaseIntake { Channel = channel, Category = category, Description = description, CitizenPhone = phone }, Agent);
}
