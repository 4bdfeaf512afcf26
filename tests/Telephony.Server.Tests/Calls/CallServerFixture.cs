using System.Globalization;
using Telephony.Testing.Calls;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// The whole server in-process for call tests: SIP on an ephemeral loopback port, seats in Redis
/// (a fresh key prefix per fixture) or in-process, short ring and wrap-up times, recordings and
/// call records in a temporary folder, RTP ports from the Server.Tests range.
/// </summary>
internal sealed class CallServerFixture : IAsyncDisposable
{
    public const string Redis = "127.0.0.1:6390";

    private readonly TelephonyTestServer _server;
    private readonly List<IAsyncDisposable> _owned = [];

    public CallServerFixture(bool useRedis, int ringTimeoutSeconds = 4, double wrapUpSeconds = 1, string? ivrScript = null, string? trunkSources = null, string? trunkOutbound = null, int? popMaxWaitMilliseconds = null, Action<string>? prepareRecordings = null, Action<IServiceCollection>? testServices = null, IReadOnlyDictionary<string, string>? moreSettings = null,
        int phonePortMin = 16400, int phonePortMax = 16599)
    {
        var settings = new Dictionary<string, string>
        {
            ["ContactCenter:RingTimeoutSeconds"] = ringTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["ContactCenter:WrapUpSeconds"] = wrapUpSeconds.ToString(CultureInfo.InvariantCulture),
            ["Calls:RtpPortMin"] = "16000",
            ["Calls:RtpPortMax"] = "16399",
        };
        if (popMaxWaitMilliseconds is { } popWait)
        {
            settings["Calls:PopLeadMilliseconds"] = popWait.ToString(CultureInfo.InvariantCulture);
        }
        if (trunkOutbound is not null)
        {
            settings["Trunks:OutboundUri"] = trunkOutbound;
            settings["Calls:TransferRingTimeoutSeconds"] = "3";
        }
        if (trunkSources is not null)
        {
            settings["Trunks:AllowedSources"] = trunkSources;
        }
        if (ivrScript is not null)
        {
            settings["Calls:IvrScript"] = ivrScript;
        }
        foreach (var (key, value) in moreSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        _server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Seats = TelephonyTestServerOptions.SeatsWith("pw-", "1049", "1050", "1051"),
            Redis = useRedis,
            Settings = settings,
            TestServices = testServices,
        });
        prepareRecordings?.Invoke(_server.Recordings);
        Sip = _server.Sip;
        PhoneMedia = Telephony.Testing.Phones.PhoneMedia.Start(phonePortMin, phonePortMax); // two fixtures side by side (two nodes) need two ranges
    }

    public string Folder => _server.Folder;

    public WebApplicationFactory<Program> Factory => _server.Factory;

    public SipServerHost Sip { get; }

    /// <summary>The test phones' own media engine (the server has its own).</summary>
    public MediaEngine PhoneMedia { get; }

    public CallManager Calls => Service<CallManager>();

    public ISeatStore Seats => Service<AutomaticCallDistributor>().Store;

    public ICallRecordStore Records => Service<ICallRecordStore>();

    public T Service<T>() where T : notnull => _server.Service<T>();

    public int SipPort => _server.SipPort();

    public string Uri(string user) => $"sip:{user}@127.0.0.1:{SipPort}";

    /// <summary>A citizen's phone (no registration) sending a tone.</summary>
    public async Task<TestPhone> CitizenAsync(double toneHz, string user = "citizen")
    {
        var phone = await TestPhone.StartAsync($"sip:{user}@127.0.0.1", toneHz, PhoneMedia);
        _owned.Add(phone);
        return phone;
    }

    /// <summary>An agent: desktop logged in and Ready, softphone registered for the seat.</summary>
    public async Task<(AgentDesk Desk, TestPhone Phone)> AgentAsync(string seat, double toneHz)
    {
        var phone = await TestPhone.StartAsync($"sip:{seat}@test.local", toneHz, PhoneMedia, seat, "pw-" + seat);
        _owned.Add(phone);
        var registered = await phone.Ua.RegisterAsync($"sip:127.0.0.1:{SipPort}", 300);
        Assert.That(registered.StatusCode, Is.EqualTo(200), "REGISTER");
        var desk = await AgentDesk.LoginAsync(Factory, seat);
        _owned.Add(desk);
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", seat);
        var ready = await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        Assert.That(ready.State, Is.EqualTo(SeatState.Ready));
        return (desk, phone);
    }

    /// <summary>
    /// A citizen sending <paramref name="citizenHz"/> dials 12345, presses 9 (English queue) and is
    /// connected to <paramref name="agent"/>'s auto-answering softphone; returns once the call is bridged.
    /// </summary>
    public async Task<(TestPhone Citizen, SipCall Call, SipCall AgentCall)> ConnectEnglishCallAsync(TestPhone agent, double citizenHz, string citizenUser)
    {
        var citizen = await CitizenAsync(citizenHz, citizenUser);
        var call = await citizen.Ua.CallAsync(Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await Task.Delay(200);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await agentCall.NextAsync<CallEstablished>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Calls.PhaseOf(call.CallId) != CallPhase.Connected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That(Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected), "bridged to the agent");
        return (citizen, call, agentCall);
    }

    /// <summary>Waits until the call's record is written.</summary>
    public Task<Telephony.Cases.CallRecord> RecordAsync(string callId, TimeSpan? timeout = null) => Records.WaitForRecordAsync(callId, timeout);

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        await PhoneMedia.DisposeAsync();
        await _server.DisposeAsync();
    }
}
