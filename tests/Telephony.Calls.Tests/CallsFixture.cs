using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Telephony.Calls.Recording;
using Telephony.Calls.Routing;
using Telephony.Calls.Trunks;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Store;
using Telephony.Ivr;
using Telephony.Media;
using Telephony.Sip.Registrar;
using Telephony.Testing.Calls;

namespace Telephony.Calls.Tests;

/// <summary>
/// The B2BUA composed the way the host composes it, without the host: a SIP user agent on 127.0.0.1:0,
/// seats in-process (or in Redis under a fresh key prefix) with the ACD, agent phones' bindings written
/// straight into the location store, screen-pops in-process (<see cref="ScreenPops"/>), call records in
/// SQLite and recordings in a temporary folder, the shipped <c>ivr-scripts/12345.yaml</c> (or another),
/// and the test kit's loopback phones on their own media engine.
/// </summary>
internal sealed class CallsFixture : IAsyncDisposable
{
    private const string Domain = "test.local";
    private static readonly string[] SeatNumbers = ["1049", "1050", "1051"];
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly InMemoryLocationStore _locations = new();
    private readonly ConnectionMultiplexer? _redis;
    private readonly string _keyPrefix = "test:calls:" + Guid.NewGuid().ToString("N")[..8];

    private CallsFixture(bool useRedis, string? redisEndPoint)
    {
        Folder = Directory.CreateTempSubdirectory("calls-test-").FullName;
        if (useRedis || redisEndPoint is not null)
        {
            var redis = redisEndPoint ?? (Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6390");
            // The client options the server uses for its seat store.
            _redis = ConnectionMultiplexer.Connect(RedisSeatStore.ConnectionOptions(redis));
        }
    }

    public string Folder { get; }

    public SipUserAgent Ua { get; private set; } = null!;

    public CallManager Calls { get; private set; } = null!;

    public AutomaticCallDistributor Acd { get; private set; } = null!;

    public ISeatStore Seats => Acd.Store;

    public ICallRecordStore Records { get; private set; } = null!;

    /// <summary>The callback tasks (the same SQLite store as the records).</summary>
    public ICallbackTaskStore Tasks { get; private set; } = null!;

    public ScreenPops Pops { get; } = new();

    /// <summary>The test phones' media engine (the call manager has its own).</summary>
    public MediaEngine PhoneMedia { get; } = Testing.Phones.PhoneMedia.Start(18400, 18599);

    public int SipPort => Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;

    public string Uri(string user) => $"sip:{user}@127.0.0.1:{SipPort}";

    /// <summary>
    /// Starts the call side: ring and wrap-up short, the IVR script <paramref name="ivrScript"/> (default the shipped one);
    /// seats in the shared test Redis (<paramref name="useRedis"/>) or in the redis-server at <paramref name="redisEndPoint"/>;
    /// browser phones signalled through <paramref name="browserPhones"/> (none when null), supervisors' browsers through
    /// <paramref name="supervisorBrowsers"/> (none when null).
    /// </summary>
    /// <param name="queues">The ACD's queues (default: general and english, no policy).</param>
    /// <param name="tls">Trusted roots for seat phones reached over TLS (and a certificate, were the server to listen on TLS).</param>
    /// <param name="offerTasks">The ACD offers due callback tasks to Ready agents (off: the tests' abandoned calls stay in the list).</param>
    /// <param name="mediaPortMax">The last port of the call manager's RTP pool, which starts at 18000 (18001: one pair).</param>
    public static async Task<CallsFixture> StartAsync(bool useRedis = false, int ringTimeoutSeconds = 4, double wrapUpSeconds = 1, string? ivrScript = null, string? trunkOutbound = null, string? redisEndPoint = null, int mediaPortMax = 18399,
        Telephony.Calls.WebPhone.IBrowserPhoneSignalling? browserPhones = null, IReadOnlyList<QueueDefinition>? queues = null,
        Telephony.Sip.Transport.SipTlsOptions? tls = null, bool offerTasks = false, Telephony.Calls.WebPhone.IBrowserPhoneSignalling? supervisorBrowsers = null)
    {
        var f = new CallsFixture(useRedis, redisEndPoint);
        await f.ComposeAsync(ringTimeoutSeconds, wrapUpSeconds, ivrScript ?? ShippedScript(), trunkOutbound, mediaPortMax, browserPhones, queues, tls, offerTasks, supervisorBrowsers);
        return f;
    }

    /// <summary>The repository's <c>ivr-scripts/12345.yaml</c>, found upwards from the test binaries.</summary>
    public static string ShippedScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "ivr-scripts", "12345.yaml");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException("ivr-scripts/12345.yaml not found above " + AppContext.BaseDirectory);
    }

    private async Task ComposeAsync(int ringTimeoutSeconds, double wrapUpSeconds, string ivrScript, string? trunkOutbound, int mediaPortMax,
        Telephony.Calls.WebPhone.IBrowserPhoneSignalling? browserPhones, IReadOnlyList<QueueDefinition>? queues, Telephony.Sip.Transport.SipTlsOptions? tls, bool offerTasks,
        Telephony.Calls.WebPhone.IBrowserPhoneSignalling? supervisorBrowsers)
    {
        var loggers = NullLoggerFactory.Instance;
        var time = TimeProvider.System;
        var store = new SqlCaseStore(SqlDialect.Sqlite, $"Data Source={Path.Combine(Folder, "cases.db")}", NullLogger<SqlCaseStore>.Instance);
        await store.MigrateAsync();
        Records = store;
        Tasks = store;
        var records = new CallRecords(store, NullLogger<CallRecords>.Instance);
        var scripts = IvrScriptProvider.LoadOrThrow(ivrScript, NullLogger<IvrScriptProvider>.Instance);
        var trunks = new TrunkPolicy(new TrunkOptions { OutboundUri = trunkOutbound ?? string.Empty }, ["12345"]);
        var media = new MediaEngine(new MediaEngineOptions { PortMin = 18000, PortMax = mediaPortMax }, time, loggers);
        _owned.Add(media);
        media.Start();
        var options = new CallManagerOptions { TransferRingTimeoutSeconds = trunkOutbound is null ? 30 : 3, CallbackTaskPollSeconds = 1, CallbackOfferDecisionSeconds = 4,
            CallbackTasksQueued = offerTasks ? 2 : 0 };
        Calls = new CallManager(media, scripts, new DialPlan(trunks, scripts, store, store, store), Pops, new SeatPhones(_locations, Domain),
            options, new RecordingFolder(Path.Combine(Folder, "recordings")), records, time, loggers,
            browserPhones: browserPhones is null && supervisorBrowsers is null ? null
                : new Telephony.Calls.WebPhone.BrowserPhones(browserPhones ?? supervisorBrowsers!, securityTimeout: TimeSpan.FromSeconds(3), supervisors: supervisorBrowsers),
            callbackTasks: store);
        Pops.Calls = Calls;

        var seats = _redis is null ? (ISeatStore)new InProcessSeatStore() : new RedisSeatStore(_redis, _keyPrefix);
        IAcdNodeLink nodes = _redis is null ? new SingleNodeLink() : new RedisAcdNodeLink(_redis, _keyPrefix);
        Acd = new AutomaticCallDistributor(seats, Calls, records, nodes,
            new AgentDirectory(SeatNumbers.Select(s => new AgentProfile(s, "Agent " + s, ["zh", "general", "en"]))),
            new AcdOptions
            {
                Node = "calls-test",
                RingTimeout = TimeSpan.FromSeconds(ringTimeoutSeconds),
                WrapUpTime = TimeSpan.FromSeconds(wrapUpSeconds),
                StoreCheckInterval = TimeSpan.FromSeconds(1),
                Seats = SeatNumbers,
                Queues = queues ?? [Queue("general", "general"), Queue("english", "en")],
                TaskQueue = AcdOptions.CallbackTasks,
            },
            time, NullLogger<AutomaticCallDistributor>.Instance);
        await Acd.InitializeAsync();

        Ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = $"sip:telephony@{Domain}", Product = "Telephony" }, tls: tls);
        Calls.Start(Ua, Acd);
    }

    private static QueueDefinition Queue(string name, string skill) => new(name, [skill], 0, TimeSpan.FromMinutes(5));

    /// <summary>A citizen's phone sending a tone.</summary>
    public async Task<TestPhone> CitizenAsync(double toneHz, string user = "citizen", bool offerSrtp = false) =>
        Own(await TestPhone.StartAsync($"sip:{user}@127.0.0.1", toneHz, PhoneMedia, offerSrtp: offerSrtp));

    /// <summary>A phone of its own (a partner hotline, a supervisor's seat) that the fixture disposes.</summary>
    public async Task<TestPhone> PhoneAsync(string localUri, double toneHz) => Own(await TestPhone.StartAsync(localUri, toneHz, PhoneMedia));

    /// <summary>An agent: the seat's phone "registered" (its binding written into the location store), logged in and Ready.</summary>
    /// <param name="tls">The seat's phone listens on TLS with this certificate and registers a <c>;transport=tls</c> contact.</param>
    public async Task<TestPhone> AgentAsync(string seat, double toneHz, Telephony.Sip.Transport.SipTlsOptions? tls = null)
    {
        var phone = tls is null ? await PhoneAsync($"sip:{seat}@{Domain}", toneHz) : Own(await TestPhone.StartAsync($"sip:{seat}@{Domain}", toneHz, PhoneMedia, tls: tls));
        await RegisterAsync(seat, phone);
        Assert.That((await Acd.LoginAsync(seat, seat)).Succeeded, Is.True, "login");
        Assert.That((await Acd.SetReadyAsync(seat, seat)).Succeeded, Is.True, "ready");
        return phone;
    }

    /// <summary>Writes the seat's binding to <paramref name="phone"/> as a REGISTER would.</summary>
    public async Task RegisterAsync(string seat, TestPhone phone)
    {
        var local = phone.Ua.Endpoint.LocalEndPoints.First();
        var transport = local.Protocol == Telephony.Sip.Transport.SipTransportProtocol.Tls ? ";transport=tls" : "";
        var aor = $"sip:{seat}@{Domain}";
        await _locations.ApplyAsync(aor, [new Binding(aor, $"sip:{seat}@127.0.0.1:{local.EndPoint.Port}{transport}", Guid.NewGuid().ToString("N"), 1, DateTimeOffset.UtcNow.AddMinutes(5))], []);
    }

    /// <summary>Dials 12345 from <paramref name="citizen"/>, answers media, and presses 9 (the English queue).</summary>
    public async Task<SipCall> DialEnglishAsync(TestPhone citizen)
    {
        var call = await citizen.Ua.CallAsync(Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await Task.Delay(200);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        return call;
    }

    /// <summary>
    /// A citizen sending <paramref name="citizenHz"/> dials 12345, presses 9 and is connected to
    /// <paramref name="agent"/>'s auto-answering phone; returns once the call is bridged.
    /// </summary>
    public async Task<(TestPhone Citizen, SipCall Call, SipCall AgentCall)> ConnectEnglishCallAsync(TestPhone agent, double citizenHz, string citizenUser)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var citizen = await CitizenAsync(citizenHz, citizenUser);
        var call = await DialEnglishAsync(citizen);
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await agentCall.NextAsync<CallEstablished>();
        Assert.That(await WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected), "bridged to the agent");
        return (citizen, call, agentCall);
    }

    /// <summary>Waits until the call is in <paramref name="phase"/> (or the time is up); returns the phase then.</summary>
    public async Task<CallPhase?> WaitPhaseAsync(string callId, CallPhase phase, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Calls.PhaseOf(callId) != phase && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return Calls.PhaseOf(callId);
    }

    /// <summary>Waits until the seat is in <paramref name="state"/> (or the time is up); returns the seat then (null: no such seat, or the store unreachable).</summary>
    public async Task<SeatSnapshot?> WaitSeatAsync(string seat, SeatState state, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        SeatSnapshot? s;
        while ((s = await SeatOrNullAsync(seat))?.State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return s;
    }

    private async Task<SeatSnapshot?> SeatOrNullAsync(string seat)
    {
        try
        {
            return await Seats.GetSeatAsync(seat);
        }
        catch (SeatStoreUnavailableException)
        {
            return null;
        }
    }

    /// <summary>Waits until the call's record is written.</summary>
    public Task<CallRecord> RecordAsync(string callId, TimeSpan? timeout = null) => Records.WaitForRecordAsync(callId, timeout);

    private TestPhone Own(TestPhone phone)
    {
        _owned.Add(phone);
        return phone;
    }

    public async ValueTask DisposeAsync()
    {
        if (Calls is not null)
        {
            await Calls.StopAsync();
        }
        if (Ua is not null)
        {
            await Ua.DisposeAsync();
        }
        if (Acd is not null)
        {
            await Acd.DisposeAsync();
        }
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        await PhoneMedia.DisposeAsync();
        if (_redis is not null)
        {
            // Leave nothing behind in the shared Redis: every key of this fixture carries its prefix.
            var db = _redis.GetDatabase();
            foreach (var key in _redis.GetServer(_redis.GetEndPoints()[0]).Keys(pattern: "*" + _keyPrefix + "*"))
            {
                await db.KeyDeleteAsync(key);
            }
            await _redis.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
