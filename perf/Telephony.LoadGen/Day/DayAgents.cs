using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Telephony.LoadGen.Calls;
using Telephony.Media;
using Telephony.Sip.Messages;
using Telephony.Softphone.Core;

namespace Telephony.LoadGen.Day;

/// <summary>
/// The simulated agents: every seat registers over SIP and logs in through the token API and the agents' hub (as the
/// tests' desktops do) at the start, NotReady; the staffing of each half hour sets that many of them Ready. An agent
/// answers at once, the caller ends the conversation, then the agent does after-call work (the seat in WrapUp) for
/// its drawn time and leaves it for Ready — or for NotReady ("break") when the half hour now needs fewer agents.
/// </summary>
internal sealed class DayAgents : IAsyncDisposable
{
    private const string BreakReason = "break";
    private readonly List<Agent> _agents = [];
    private readonly DayCallBook _book;
    private readonly DayOptions _options;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly List<Task> _loops = [];
    private readonly ConcurrentQueue<string> _notices = new();
    private int _wanted;

    private DayAgents(DayCallBook book, DayOptions options)
    {
        _book = book;
        _options = options;
        _random = new Random(options.Seed + 1);
    }

    public int Count => _agents.Count;
    public IEnumerable<string> Notices => _notices;

    public static async Task<DayAgents> StartAsync(DayOptions o, IReadOnlyDictionary<string, string> sipPasswords, MediaEngine media, DayCallBook book, TextWriter log)
    {
        var pool = new DayAgents(book, o);
        using var gate = new SemaphoreSlim(8); // logins in small batches: token, hub, REGISTER each
        var starts = Enumerable.Range(0, o.MaxAgents).Select(async i =>
        {
            var options = LoadAgents.Options((o.FirstSeat + i).ToString(CultureInfo.InvariantCulture), sipPasswords, o.Server, o.Http, o.Domain,
                o.UserFormat, o.PasswordFormat, readyOnStart: false);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await AgentClient.StartAsync(options, media).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var start in starts)
        {
            try
            {
                var client = await start.ConfigureAwait(false);
                var agent = new Agent(client);
                pool._agents.Add(agent);
                pool._loops.Add(pool.FollowAsync(agent));
            }
            catch (AgentStartException e)
            {
                await log.WriteLineAsync($"agent failed to start: {e.Message}").ConfigureAwait(false);
            }
        }
        // Logged in, registered, not taking calls until the first half hour's staffing.
        await Task.WhenAll(pool._agents.Select(a => pool.SetNotReadyQuietlyAsync(a))).ConfigureAwait(false);
        return pool;
    }

    /// <summary>The half hour's staffing: the first <paramref name="agents"/> agents are wanted; idle ones change at once, busy ones after their wrap-up.</summary>
    public async Task StaffAsync(int agents)
    {
        Volatile.Write(ref _wanted, agents);
        var changes = new List<Task>();
        for (var i = 0; i < _agents.Count; i++)
        {
            var agent = _agents[i];
            var wanted = i < agents;
            agent.Wanted = wanted;
            var state = agent.Client.SeatInfo?.State;
            if (agent.InCall || (wanted && state == SeatState.Ready) || (!wanted && state == SeatState.NotReady))
                continue;
            changes.Add(wanted ? SetReadyQuietlyAsync(agent) : SetNotReadyQuietlyAsync(agent));
        }
        await Task.WhenAll(changes).ConfigureAwait(false);
    }

    private async Task FollowAsync(Agent agent)
    {
        var bySipCallId = new Dictionary<string, DayCall>(StringComparer.Ordinal);
        await foreach (var e in agent.Client.Events.ReadAllAsync().ConfigureAwait(false))
        {
            switch (e)
            {
                case PopTimingEvent t when _book.ByNumber(t.Timing.CallerNumber) is { } popped:
                    popped.EnqueuedAt ??= t.Timing.EnqueuedAt;
                    popped.PoppedAt ??= t.Timing.PopCreatedAt;
                    if (t.Timing.SipCallId is { } sipId)
                        bySipCallId[sipId] = popped;
                    break;
                case RingingEvent r:
                    agent.InCall = true;
                    if (!bySipCallId.ContainsKey(r.SipCallId) && _book.ByNumber(UserOf(r.From)) is { } ringing)
                        bySipCallId[r.SipCallId] = ringing;
                    break;
                case ConnectedEvent c when bySipCallId.TryGetValue(c.SipCallId, out var connected):
                    connected.AgentConnectedAt = c.At;
                    connected.Seat = agent.Client.Seat;
                    connected.AgentConnected.TrySetResult();
                    break;
                case CallFinishedEvent f:
                    bySipCallId.Remove(f.SipCallId, out var finished);
                    _ = WrapUpAsync(agent, finished);
                    break;
                case NoticeEvent n:
                    _notices.Enqueue($"seat {agent.Client.Seat}: {n.Message}");
                    break;
            }
        }
    }

    /// <summary>After-call work for a call the agent talked in; then Ready, or NotReady when no longer wanted.</summary>
    private async Task WrapUpAsync(Agent agent, DayCall? call)
    {
        try
        {
            if (call?.AgentConnectedAt is not null)
            {
                double seconds;
                lock (_randomGate)
                {
                    seconds = _options.WrapSeconds * (0.5 + _random.NextDouble());
                }
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, seconds))).ConfigureAwait(false);
            }
            var seat = agent.Wanted ? await SetReadyQuietlyAsync(agent).ConfigureAwait(false) : await SetNotReadyQuietlyAsync(agent).ConfigureAwait(false);
            if (call is not null && seat is not null)
                call.WrapUpEndedAt = seat.StateSince;
        }
        finally
        {
            agent.InCall = false;
            call?.Settled.TrySetResult();
        }
    }

    private async Task<SeatInfo?> SetReadyQuietlyAsync(Agent agent)
    {
        try
        {
            return await agent.Client.SetReadyAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException)
        {
            _notices.Enqueue($"seat {agent.Client.Seat}: Ready refused: {e.Message}");
            return null;
        }
    }

    private async Task<SeatInfo?> SetNotReadyQuietlyAsync(Agent agent)
    {
        try
        {
            return await agent.Client.SetNotReadyAsync(BreakReason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // A seat reserved for a call at this moment stays; its wrap-up applies the staffing.
            _notices.Enqueue($"seat {agent.Client.Seat}: NotReady refused: {e.Message}");
            return null;
        }
    }

    private static string? UserOf(string nameAddr) =>
        NameAddress.TryParse(nameAddr, out var parsed, out _) && parsed!.Uri is SipUri sip ? sip.User : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var a in _agents)
        {
            try
            {
                await a.Client.LogoutAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // best effort on the way out
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            await a.Client.DisposeAsync().ConfigureAwait(false);
        }
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private sealed class Agent(AgentClient client)
    {
        public AgentClient Client { get; } = client;
        public volatile bool Wanted;
        public volatile bool InCall;
    }
}
