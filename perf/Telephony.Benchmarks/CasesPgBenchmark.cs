using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project perf/Telephony.Benchmarks -- cases-pg --days N [--keep]</c>:
/// generates N days of a 20,000-contacts-a-day hotline (N × 20,000 cases and as many call
/// records) in a fresh PostgreSQL database with generate_series, applies the index migration
/// after the load, then times the monthly KPI report and filtered case searches through
/// <see cref="SqlCaseStore"/> (median of 7 runs after one warm-up) and drops the database.
/// Server: TELEPHONY_TEST_POSTGRES (default 127.0.0.1:5440).
/// </summary>
public static class CasesPgBenchmark
{
    private const int ContactsPerDay = 20_000;
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "cases-pg")
        {
            return false;
        }
        var days = 30;
        var keep = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--days" && i + 1 < args.Length) { days = int.Parse(args[++i], CultureInfo.InvariantCulture); }
            else if (args[i] == "--keep") { keep = true; }
        }
        RunAsync(days, keep).GetAwaiter().GetResult();
        return true;
    }

    private static async Task RunAsync(int days, bool keep)
    {
        var admin = Environment.GetEnvironmentVariable("TELEPHONY_TEST_POSTGRES") is { Length: > 0 } s
            ? s : "Host=127.0.0.1;Port=5440;Username=postgres;Database=postgres";
        var name = $"cases_bench_{days}d";
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, CommandTimeout = 0 }.ConnectionString;
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await ExecAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            long n = (long)days * ContactsPerDay;
            Console.WriteLine($"cases-pg: {days} days x {ContactsPerDay:N0}/day = {n:N0} cases + {n:N0} call records");
            await Migrator.MigrateAsync(SqlDialect.Postgres, cs, NullLogger.Instance, upToVersion: 2);
            await Timed("load cases", () => ExecAsync(cs, CasesSql(n)));
            await Timed("load call records", () => ExecAsync(cs, CallsSql(n)));
            await Timed("index migration (3)", () => Migrator.MigrateAsync(SqlDialect.Postgres, cs, NullLogger.Instance));
            await Timed("vacuum analyze", async () => { await ExecAsync(cs, "VACUUM ANALYZE cases"); await ExecAsync(cs, "VACUUM ANALYZE call_records"); });
            await Report(cs, days);
        }
        finally
        {
            if (!keep)
            {
                NpgsqlConnection.ClearAllPools();
                await ExecAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                Console.WriteLine($"dropped {name}");
            }
        }
    }

    private static async Task Report(string cs, int days)
    {
        var store = new SqlCaseStore(SqlDialect.Postgres, cs, NullLogger<SqlCaseStore>.Instance);
        // The month in the middle of the generated history (or the last 30 days of a short one).
        var monthStart = days >= 90 ? new DateTimeOffset(2025, 1 + Math.Min(11, days / 60), 1, 0, 0, 0, TimeSpan.FromHours(8)) : Start;
        var monthEnd = days >= 90 ? monthStart.AddMonths(1) : Start.AddDays(Math.Min(days, 30));
        var now = Start.AddDays(days);
        Console.WriteLine($"month: {monthStart:yyyy-MM-dd} .. {monthEnd:yyyy-MM-dd}");

        KpiReport? k = null;
        await Median("monthly KPI report", async () => k = await store.GetKpisAsync(monthStart, monthEnd));
        Console.WriteLine($"  cases {k!.Cases:N0}, on-time completion {k.OnTimeCompletion.Value:P1}, reply {k.ReplyRate.Value:P1}, satisfaction {k.SatisfactionRate.Value:P1}, repeat callers {k.RepeatCallerRate.Value:P1}, calls {k.CallsOffered:N0}, ASA {k.AverageSpeedOfAnswerSeconds:F1} s");

        CasePage? page = null;
        await Median("search: department + status + month, page 1 of 50", async () =>
            page = await store.SearchAsync(new CaseQuery { DepartmentId = 3, Status = CaseStatus.Closed, CreatedFrom = monthStart, CreatedTo = monthEnd }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
        await Median("search: text 'burst pipe' (a phrase in 5 % of all cases) + month, page 1 of 50", async () =>
            page = await store.SearchAsync(new CaseQuery { Text = "burst pipe", CreatedFrom = monthStart, CreatedTo = monthEnd }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
        var phone = (await store.GetAsync(123_457))!.CitizenPhone!;
        await Median($"search: a citizen's phone number {phone} (all time)", async () =>
            page = await store.SearchAsync(new CaseQuery { Text = phone }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
        await Median("search: text 'Elm Road 17' (all time), page 1 of 50", async () =>
            page = await store.SearchAsync(new CaseQuery { Text = "Elm Road 17" }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
        await Median("search: overdue in a department (all time), page 1 of 50", async () =>
            page = await store.SearchAsync(new CaseQuery { DepartmentId = 5, Overdue = true }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
        await Median("search: channel Sms + category Complaint + month, page 3", async () =>
            page = await store.SearchAsync(new CaseQuery { Channel = CaseChannel.Sms, Category = CaseCategory.Complaint, CreatedFrom = monthStart, CreatedTo = monthEnd, Page = 3 }, now));
        Console.WriteLine($"  total {page!.Total:N0}{(page.TotalIsLowerBound ? "+" : "")}");
    }

    private static async Task Median(string what, Func<Task> action)
    {
        await action(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{what}: median {times[3]:F1} ms (min {times[0]:F1}, max {times[^1]:F1})");
    }

    private static async Task Timed(string what, Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        Console.WriteLine($"{what}: {sw.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    // Contacts are spread evenly over each day (one every 4.32 s), so ids and created_at rise
    // together as they would in production. Shares: 80 % phone / 10 % SMS / 10 % web; 40 %
    // answered directly, the rest dispatched to one of the 10 seeded departments; 3 % returned;
    // about 5 million distinct phone numbers, so repeat callers occur.
    private static string CasesSql(long n) => $"""
        SELECT setseed(0.12345);
        INSERT INTO cases (number, channel, category, status, description, citizen_phone, location, district_id,
            confidential, department_id, created_at, updated_at, due_at, dispatched_at, sign_due_at, signed_at,
            completed_at, replied_at, direct_answer, return_count, callback_at, satisfaction, reopen_count, closed_at, version,
            repeat_contact)
        SELECT 'B' || i,
            CASE WHEN r1 < 0.8 THEN 'Phone' WHEN r1 < 0.9 THEN 'Sms' ELSE 'Web' END,
            (ARRAY['Consultation','HelpRequest','Complaint','Report','Suggestion','Praise'])[1 + (i % 6)],
            CASE WHEN direct THEN (CASE WHEN r2 < 0.9 THEN 'Closed' ELSE 'AwaitingCallback' END)
                 ELSE (CASE WHEN r2 < 0.8 THEN 'Closed' WHEN r2 < 0.9 THEN 'InProgress' WHEN r2 < 0.95 THEN 'Replied' ELSE 'Dispatched' END) END,
            (ARRAY['burst pipe in the stairwell','street light broken','noise at night from a bar','illegal parking on the pavement',
                   'unpaid wages at a building site','bus route changed without notice','rubbish not collected','water bill too high',
                   'pothole on the road','smoke from a restaurant','school fee question','hospital appointment question',
                   'social security transfer','stray dogs in the park','elevator out of order','praise for the bus driver',
                   'suggest a new crossing','heating not working','fake goods sold at market','blocked drain'])[1 + (i % 20)]
              || ' near ' || (ARRAY['Elm Road','Oak Street','River Lane','Station Road','Garden Avenue'])[1 + (i / 20) % 5] || ' ' || (i % 300),
            phone,
            'block ' || (i % 500), 1 + (i % 6), 0,
            CASE WHEN direct THEN NULL ELSE 1 + (i % 10) END,
            t, t, t + 7 * 86400000,
            CASE WHEN direct THEN NULL ELSE t + 600000 END,
            CASE WHEN direct THEN NULL ELSE t + 86400000 END,
            CASE WHEN direct OR r2 >= 0.95 THEN NULL ELSE t + floor(r4 * 2 * 86400000)::bigint END,
            CASE WHEN direct THEN t + 300000 WHEN r2 < 0.8 OR (r2 >= 0.9 AND r2 < 0.95) THEN t + floor(r5 * 8 * 86400000)::bigint ELSE NULL END,
            CASE WHEN NOT direct AND (r2 < 0.8 OR (r2 >= 0.9 AND r2 < 0.95)) THEN t + floor(r5 * 8 * 86400000)::bigint ELSE NULL END,
            CASE WHEN direct THEN 1 ELSE 0 END,
            CASE WHEN NOT direct AND r6 < 0.03 THEN 1 ELSE 0 END,
            CASE WHEN r2 < 0.8 THEN t + 9 * 86400000 ELSE NULL END,
            CASE WHEN r2 >= 0.8 THEN NULL WHEN r6 < 0.85 THEN 'Satisfied' WHEN r6 < 0.95 THEN 'BasicallySatisfied' ELSE 'Dissatisfied' END,
            0,
            CASE WHEN r2 < 0.8 THEN t + 9 * 86400000 ELSE NULL END,
            3,
            -- what CreateAsync decides at intake: the phone opened another case in the 30 days before
            CASE WHEN t - lag(t) OVER (PARTITION BY phone ORDER BY i) <= 30 * 86400000::bigint THEN 1 ELSE 0 END
        FROM (SELECT i, {Start.ToUnixTimeMilliseconds()}::bigint + i * 86400000 / {ContactsPerDay} AS t,
                     random() AS r1, random() AS r2, random() AS r4, random() AS r5, random() AS r6,
                     random() < 0.4 AS direct, '13' || lpad((floor(random() * 5000000))::bigint::text, 9, '0') AS phone
              FROM generate_series(0::bigint, {n - 1}::bigint) AS i) g
        ORDER BY i;
        """;

    // One call record per contact: 3 % end in the IVR, 5 % abandon in the queue, the rest are
    // answered after 0–40 s in the queue, talk 1–10 minutes and wrap up for 30 s.
    private static string CallsSql(long n) => $"""
        SELECT setseed(0.54321);
        INSERT INTO call_records (call_id, caller, called, offered_at, ivr_ended_at, queued_at, agent_ringing_at, answered_at,
            ended_at, wrap_up_ended_at, ivr_path, queue, agent_id, outcome, recording_path)
        SELECT 'call-' || i, '13' || lpad((i % 5000000)::text, 9, '0'), '12345', t,
            t + 20000,
            CASE WHEN r1 < 0.03 THEN NULL ELSE t + 20000 END,
            CASE WHEN r1 < 0.08 THEN NULL ELSE t + 20000 + wait - 3000 END,
            CASE WHEN r1 < 0.08 THEN NULL ELSE t + 20000 + wait END,
            CASE WHEN r1 < 0.03 THEN t + 20000 WHEN r1 < 0.08 THEN t + 20000 + wait ELSE t + 20000 + wait + talk END,
            CASE WHEN r1 < 0.08 THEN NULL ELSE t + 20000 + wait + talk + 30000 END,
            'main>' || (1 + i % 4), 'general', CASE WHEN r1 < 0.08 THEN NULL ELSE (1001 + i % 60)::text END,
            CASE WHEN r1 < 0.03 THEN 'ivr' WHEN r1 < 0.08 THEN 'abandoned' ELSE 'answered' END,
            CASE WHEN r1 < 0.08 THEN NULL ELSE '/recordings/call-' || i || '.wav' END
        FROM (SELECT i, {Start.ToUnixTimeMilliseconds()}::bigint + i * 86400000 / {ContactsPerDay} AS t,
                     random() AS r1, 3000 + floor(random() * 40000)::bigint AS wait, 60000 + floor(random() * 540000)::bigint AS talk
              FROM generate_series(0::bigint, {n - 1}::bigint) AS i) g;
        """;
}
