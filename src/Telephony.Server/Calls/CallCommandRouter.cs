using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Telephony.Calls;
using Telephony.Calls.Commands;
using CommandStatus = Telephony.Calls.Commands.CommandStatus;

namespace Telephony.Server.Calls;

/// <summary>
/// The one command path across nodes. A call lives on the node that holds its SIP dialog and RTP (its mailbox is
/// there), but a desktop or a supervisor may be connected to any node: a command for a call this node does not
/// hold is asked of every node over Redis pub/sub, and the node that holds it carries it out through its own
/// <see cref="CallManager.AskAsync"/> and answers. The list of live calls is gathered the same way.
/// </summary>
/// <remarks>
/// One broadcast channel for requests (<c>{prefix}:call-commands</c>) and one reply channel per process. Every
/// node answers every request (NoSuchCall when the call is not there), and Redis says how many received it, so
/// the asker stops as soon as the owner answered or every other node said no, and waits
/// <see cref="RemoteTimeout"/> at most (a node that dies between the request and its answer). Without Redis
/// (one node) it is <see cref="CallManager.AskAsync"/> and nothing else.
/// </remarks>
public sealed partial class CallCommandRouter(CallManager calls, ILogger<CallCommandRouter> logger, IConnectionMultiplexer? redis = null, string keyPrefix = "telephony:cc")
    : IAsyncDisposable
{
    /// <summary>The longest a command for another node's call waits: that node's own command timeout, and a little more for the trip.</summary>
    public static readonly TimeSpan RemoteTimeout = CallManager.CommandTimeout + TimeSpan.FromSeconds(1);

    /// <summary>The longest the list of live calls waits for the other nodes.</summary>
    public static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(2);

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly RedisChannel _requests = RedisChannel.Literal(keyPrefix + ":call-commands");
    private RedisChannel Replies => RedisChannel.Literal(keyPrefix + ":call-commands:reply:" + _instance);

    /// <summary>Starts answering other nodes' requests and taking their answers (nothing to do without Redis).</summary>
    public async Task StartAsync()
    {
        if (redis is null)
        {
            return;
        }
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(_requests, (channel, message) => _ = AnswerAsync(message)).ConfigureAwait(false);
        await subscriber.SubscribeAsync(Replies, (channel, message) => TakeReply(message)).ConfigureAwait(false);
    }

    /// <summary>Asks the call <paramref name="callId"/>, wherever it lives, to carry out <paramref name="command"/>.</summary>
    public async Task<CommandResult> AskAsync(string callId, CallCommand command, CancellationToken ct = default)
    {
        var local = await calls.AskAsync(callId, command, ct).ConfigureAwait(false);
        if (local.Status != CommandStatus.NoSuchCall || redis is null || callId is null)
        {
            return local;
        }
        var replies = await BroadcastAsync(new Request(Guid.NewGuid().ToString("N"), _instance, callId, command), RemoteTimeout,
            r => r.Result is { Status: not CommandStatus.NoSuchCall }, ct).ConfigureAwait(false);
        return replies.Select(r => r.Result).FirstOrDefault(r => r is { Status: not CommandStatus.NoSuchCall }) ?? local;
    }

    /// <summary>The calls in progress on every node (this node's first); a node that does not answer in time is missing.</summary>
    public async Task<IReadOnlyList<LiveCall>> LiveCallsAsync(CancellationToken ct = default)
    {
        var local = calls.LiveCalls();
        if (redis is null)
        {
            return local;
        }
        var replies = await BroadcastAsync(new Request(Guid.NewGuid().ToString("N"), _instance, null, null), ListTimeout, null, ct).ConfigureAwait(false);
        return [.. local, .. replies.SelectMany(r => r.Calls ?? [])];
    }

    private async Task<IReadOnlyList<Reply>> BroadcastAsync(Request request, TimeSpan timeout, Func<Reply, bool>? enough, CancellationToken ct)
    {
        var pending = new Pending(enough);
        _pending[request.Id] = pending;
        try
        {
            long receivers;
            try
            {
                receivers = await redis!.GetSubscriber().PublishAsync(_requests, JsonSerializer.Serialize(request)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogRelayUnavailable(logger, request.CallId ?? "(list)", e.Message);
                return [];
            }
            pending.Expect((int)Math.Max(0, receivers - 1)); // every process on the channel but this one answers
            try
            {
                await pending.Done.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogRelayTimedOut(logger, request.CallId ?? "(list)", pending.Count, (int)Math.Max(0, receivers - 1));
            }
            return pending.Snapshot();
        }
        finally
        {
            _pending.TryRemove(request.Id, out _);
        }
    }

    private async Task AnswerAsync(RedisValue message)
    {
        try
        {
            var request = JsonSerializer.Deserialize<Request>(message.ToString());
            if (request is null || request.From == _instance)
            {
                return;
            }
            var reply = request.Command is { } command && request.CallId is { } callId
                ? new Reply(request.Id, await calls.AskAsync(callId, command).ConfigureAwait(false), null)
                : new Reply(request.Id, null, calls.LiveCalls());
            await redis!.GetSubscriber().PublishAsync(RedisChannel.Literal(keyPrefix + ":call-commands:reply:" + request.From), JsonSerializer.Serialize(reply))
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or RedisException or TimeoutException)
        {
            LogRelayAnswerFailed(logger, e.Message);
        }
    }

    private void TakeReply(RedisValue message)
    {
        try
        {
            if (JsonSerializer.Deserialize<Reply>(message.ToString()) is { } reply && _pending.TryGetValue(reply.Id, out var pending))
            {
                pending.Add(reply);
            }
        }
        catch (JsonException e)
        {
            LogRelayAnswerFailed(logger, e.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (redis is not null)
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.UnsubscribeAsync(_requests).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(Replies).ConfigureAwait(false);
        }
    }

    /// <summary>A request on the wire: a command for one call, or (no command) the list of live calls.</summary>
    private sealed record Request(string Id, string From, string? CallId, CallCommand? Command);

    /// <summary>An answer on the wire: the command's result, or the node's live calls.</summary>
    private sealed record Reply(string Id, CommandResult? Result, IReadOnlyList<LiveCall>? Calls);

    /// <summary>The answers to one request so far; done when <c>enough</c> says so or every expected node answered.</summary>
    private sealed class Pending(Func<Reply, bool>? enough)
    {
        private readonly List<Reply> _replies = [];
        private readonly Lock _gate = new();
        private int _expected = -1;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _replies.Count;
                }
            }
        }

        public void Expect(int nodes)
        {
            lock (_gate)
            {
                _expected = nodes;
                Check();
            }
        }

        public void Add(Reply reply)
        {
            lock (_gate)
            {
                _replies.Add(reply);
                if (enough?.Invoke(reply) == true)
                {
                    Done.TrySetResult();
                }
                Check();
            }
        }

        public IReadOnlyList<Reply> Snapshot()
        {
            lock (_gate)
            {
                return [.. _replies];
            }
        }

        private void Check()
        {
            if (_expected >= 0 && _replies.Count >= _expected)
            {
                Done.TrySetResult();
            }
        }
    }

    [LoggerMessage(EventId = 7320, Level = LogLevel.Warning, Message = "Command for call {CallId} not relayed to the other nodes: Redis unavailable ({Reason})")]
    private static partial void LogRelayUnavailable(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 7321, Level = LogLevel.Warning, Message = "Request {CallId} to the other nodes: {Answered} of {Expected} answered in time")]
    private static partial void LogRelayTimedOut(ILogger logger, string callId, int answered, int expected);

    [LoggerMessage(EventId = 7322, Level = LogLevel.Warning, Message = "A request from another node could not be answered: {Reason}")]
    private static partial void LogRelayAnswerFailed(ILogger logger, string reason);
}
