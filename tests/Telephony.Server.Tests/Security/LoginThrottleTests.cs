using System.Diagnostics;
using Telephony.Server.Http;
using Telephony.Server.Security;

namespace Telephony.Server.Tests.Security;

/// <summary>Issue 10, finding 7: the login throttle counted per address only, and unknown names answered faster than known ones.</summary>
[CancelAfter(120_000)]
public sealed class LoginThrottleTests
{
    [Test]
    public async Task Guessing_one_users_password_from_many_addresses_is_cut_off()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions { TestServices = TestRemoteAddress.Install });
        using var client = server.Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        // 50 addresses, 2 guesses each: no address comes near any per-address limit.
        for (var i = 0; i < 100; i++)
        {
            using var r = await TestRemoteAddress.LoginAsync(client, "agent1002", $"guess{i}", $"198.51.100.{i / 2 + 1}");
            statuses.Add(r.StatusCode);
        }
        Assert.That(statuses.Take(LoginThrottle.MaxFailuresPerUser), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(statuses.Skip(LoginThrottle.MaxFailuresPerUser), Is.All.EqualTo(HttpStatusCode.TooManyRequests));

        // Even the right password, from an address never seen, is refused: the guessers learn nothing.
        using var right = await TestRemoteAddress.LoginAsync(client, "agent1002", "demo-agent-1002", "203.0.113.7");
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        // Other users are not affected.
        using var other = await TestRemoteAddress.LoginAsync(client, "agent1003", "demo-agent-1003", "198.51.100.1");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task One_guesser_behind_a_NAT_does_not_lock_out_the_others_behind_it()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions { TestServices = TestRemoteAddress.Install });
        using var client = server.Factory.CreateClient();
        for (var i = 0; i < LoginThrottle.MaxFailuresPerUser + 2; i++)
        {
            using var r = await TestRemoteAddress.LoginAsync(client, "agent1002", $"guess{i}", "192.0.2.1");
        }
        using var colleague = await TestRemoteAddress.LoginAsync(client, "agent1003", "demo-agent-1003", "192.0.2.1");
        Assert.That(colleague.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Spraying_many_names_from_one_address_is_cut_off_by_address()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions { TestServices = TestRemoteAddress.Install });
        using var client = server.Factory.CreateClient();
        for (var i = 0; i < LoginThrottle.MaxFailuresPerAddress; i++)
        {
            using var r = await TestRemoteAddress.LoginAsync(client, $"user{i}", "guess", "192.0.2.9");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using var blocked = await TestRemoteAddress.LoginAsync(client, "agent1003", "demo-agent-1003", "192.0.2.9");
        Assert.That(blocked.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public void A_full_table_evicts_the_least_counted_keys_first()
    {
        var time = new FakeTimeProvider();
        var counts = new RecentCounts<string>(time, TimeSpan.FromMinutes(5), capacity: 8);
        for (var i = 0; i < 5; i++)
        {
            counts.Add("target");
        }
        // A spray of one-off names (an attacker trying to flush the target's failures).
        for (var i = 0; i < 1000; i++)
        {
            counts.Add("spray" + i);
        }
        Assert.Multiple(() =>
        {
            Assert.That(counts.CountOf("target"), Is.EqualTo(5));
            Assert.That(counts.Tracked, Is.LessThanOrEqualTo(8));
        });
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.That(counts.CountOf("target"), Is.Zero, "the window has passed");
    }

    [Test]
    public async Task An_unknown_name_takes_as_long_as_a_wrong_password()
    {
        // Production-like users: hashes at the default cost (the dummy hash used to be cheaper).
        const int users = 15;
        var folder = Directory.CreateTempSubdirectory("telephony-timing-").FullName;
        try
        {
            var file = Path.Combine(folder, "users.json");
            var hash = PasswordHasher.Hash("right-password");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
            {
                users = Enumerable.Range(0, users).Select(i => new { name = $"user{i}", role = "supervisor", passwordHash = hash }),
            }));
            await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
            {
                TestServices = TestRemoteAddress.Install,
                Settings = new Dictionary<string, string> { ["Security:UsersFile"] = file },
            });
            using var client = server.Factory.CreateClient();
            using (await TestRemoteAddress.LoginAsync(client, "warm-up", "x", "192.0.2.200"))
            {
            }
            var known = new List<double>();
            var unknown = new List<double>();
            // Interleaved, one failure per name and few per address, so neither throttle steps in.
            for (var i = 0; i < users; i++)
            {
                known.Add(await TimeLogin(client, $"user{i}", "wrong", $"192.0.2.{i + 1}"));
                unknown.Add(await TimeLogin(client, $"nobody{i}", "wrong", $"192.0.2.{i + 101}"));
            }
            double mk = Median(known), mu = Median(unknown);
            TestContext.Out.WriteLine($"median known {mk:0.0} ms, unknown {mu:0.0} ms");
            Assert.That(Math.Abs(mk - mu), Is.LessThanOrEqualTo(0.4 * Math.Max(mk, mu)), $"known {mk:0.0} ms vs unknown {mu:0.0} ms");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> TimeLogin(HttpClient client, string user, string password, string remote)
    {
        var started = Stopwatch.GetTimestamp();
        using var r = await TestRemoteAddress.LoginAsync(client, user, password, remote);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
