using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Telephony.Server.Sip;
using Telephony.Sip.Transport;

namespace Telephony.Testing.Hosting;

/// <summary>
/// The whole server in-process for a test, in the mode its <see cref="TelephonyTestServerOptions"/> say: a
/// temporary folder for its seats file, cases database, recordings and SMS outbox; seats in-process
/// or in Redis (a fresh key prefix, cleaned up); HTTP in memory or on real sockets; any further settings.
/// The one set-up behind the call, SIP, case, security and softphone fixtures.
/// </summary>
public sealed class TelephonyTestServer : IAsyncDisposable
{
    private readonly TelephonyTestServerOptions _options;

    public TelephonyTestServer(TelephonyTestServerOptions? options = null)
    {
        _options = options ?? new TelephonyTestServerOptions();
        Folder = Directory.CreateTempSubdirectory("telephony-test-").FullName;
        KeyPrefix = "test:" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_options.Seats is { } seats)
        {
            var seatsFile = Path.Combine(Folder, "seats.json");
            File.WriteAllText(seatsFile, JsonSerializer.Serialize(new { seats = seats.Select(s => new { extension = s.Key, password = s.Value }) }));
            settings["Sip:SeatsFile"] = seatsFile;
        }
        settings["Sip:Domain"] = "test.local";
        if (_options.OwnData)
        {
            settings["Security:KeysFolder"] = Path.Combine(Folder, "keys");
            settings["Cases:ConnectionString"] = $"Data Source={Path.Combine(Folder, "cases.db")}";
            settings["Cases:SmsOutboxFile"] = SmsOutbox;
            settings["Calls:RecordingsFolder"] = Recordings;
            settings["Calls:WatchIvrScript"] = "false";
        }
        settings["ContactCenter:Redis"] = _options.Redis ? TelephonyTestServerOptions.RedisEndPoint : "";
        settings["ContactCenter:KeyPrefix"] = KeyPrefix;
        foreach (var (key, value) in _options.Settings)
        {
            settings[key] = value;
        }
        _settings = settings;
        Factory = Start(_options.HttpPort);
    }

    private readonly Dictionary<string, string> _settings;

    private WebApplicationFactory<Program> Start(int httpPort)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in _settings)
            {
                b.UseSetting(key, value);
            }
            if (_options.TestServices is { } services)
            {
                b.ConfigureTestServices(services);
            }
        });
        if (_options.Kestrel)
        {
            factory.UseKestrel(o => o.Listen(IPAddress.Loopback, httpPort));
            factory.StartServer();
            var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            Http = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/') + "/");
        }
        return factory;
    }

    /// <summary>
    /// Stops the server and starts it again with the same settings, folder (database, token keys,
    /// recordings), Redis prefix and, with <see cref="TelephonyTestServerOptions.Kestrel"/>, the same HTTP
    /// port, as an operator's restart does. Seats kept in-process are gone afterwards; Redis keeps them.
    /// </summary>
    public async Task RestartAsync()
    {
        var port = Http?.Port ?? 0;
        await Factory.DisposeAsync();
        Factory = Start(port);
    }

    /// <summary>The fixture's temporary folder.</summary>
    public string Folder { get; }

    /// <summary>Where the server writes recordings (with <see cref="TelephonyTestServerOptions.OwnData"/>).</summary>
    public string Recordings => Path.Combine(Folder, "recordings");

    /// <summary>Where the server's SMS gateway writes (with <see cref="TelephonyTestServerOptions.OwnData"/>).</summary>
    public string SmsOutbox => Path.Combine(Folder, "sms-outbox.jsonl");

    /// <summary>The Redis key prefix of this fixture's seats and queues.</summary>
    public string KeyPrefix { get; }

    public WebApplicationFactory<Program> Factory { get; private set; }

    /// <summary>The HTTP base address with <see cref="TelephonyTestServerOptions.Kestrel"/> (null otherwise).</summary>
    public Uri? Http { get; private set; }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public SipServerHost Sip => Service<SipServerHost>();

    public int SipPort(SipTransportProtocol protocol = SipTransportProtocol.Udp) =>
        Sip.LocalEndPoints.First(e => e.Protocol == protocol).EndPoint.Port;

    /// <summary>A SIP URI of <paramref name="user"/> at this server.</summary>
    public string Uri(string user, SipTransportProtocol protocol = SipTransportProtocol.Udp) =>
        protocol == SipTransportProtocol.Udp ? $"sip:{user}@127.0.0.1:{SipPort(protocol)}" : $"sip:{user}@127.0.0.1:{SipPort(protocol)};transport=tcp";

    public async ValueTask DisposeAsync()
    {
        if (_options.Redis)
        {
            // Leave nothing behind in the shared Redis: every key of this fixture carries its prefix.
            var redis = Service<StackExchange.Redis.IConnectionMultiplexer>();
            var db = redis.GetDatabase();
            foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*" + KeyPrefix + "*"))
            {
                await db.KeyDeleteAsync(key);
            }
        }
        await Factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
