using System.Text.Json;
using StackExchange.Redis;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// Carries an assignment to the node that owns the call. With several nodes on one seat store, the
/// node where an agent becomes Ready may take a call that waits on another node (whose mailbox holds
/// the call's SIP legs); the assignment (the call already out of its queue, the seat Reserved) is
/// handed to that node, which offers it as if it had matched it itself.
/// </summary>
public interface IAcdNodeLink
{
    /// <summary>Starts receiving the assignments meant for <paramref name="node"/>; dispose the result to stop.</summary>
    Task<IAsyncDisposable> StartAsync(string node, Func<Assignment, Task> onHandOff, CancellationToken ct = default);

    /// <summary>Sends the assignment to its call's node; false when no such node is listening.</summary>
    Task<bool> HandOffAsync(Assignment assignment, CancellationToken ct = default);
}

/// <summary>One node only: every queued call is this node's, so there is never anyone to hand off to.</summary>
public sealed class SingleNodeLink : IAcdNodeLink
{
    public Task<IAsyncDisposable> StartAsync(string node, Func<Assignment, Task> onHandOff, CancellationToken ct = default) =>
        Task.FromResult<IAsyncDisposable>(Nothing.Instance);

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public Task<bool> HandOffAsync(Assignment assignment, CancellationToken ct = default) => Task.FromResult(false);
}

/// <summary>Hand-off over Redis pub/sub: one channel per node under the store's key prefix.</summary>
public sealed class RedisAcdNodeLink(IConnectionMultiplexer redis, string keyPrefix) : IAcdNodeLink
{
    private RedisChannel ChannelOf(string node) => RedisChannel.Literal(keyPrefix + ":acd-node:" + node);

    public async Task<IAsyncDisposable> StartAsync(string node, Func<Assignment, Task> onHandOff, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onHandOff);
        var channel = ChannelOf(node);
        var subscriber = redis.GetSubscriber();
        Action<RedisChannel, RedisValue> handler = (from, message) =>
        {
            if (message.IsNullOrEmpty)
                return;
            Assignment? assignment;
            try
            {
                assignment = JsonSerializer.Deserialize<Assignment>(message.ToString());
            }
            catch (JsonException)
            {
                return; // not ours to crash on; a well-behaved node never sends this
            }
            if (assignment is not null)
                _ = onHandOff(assignment);
        };
        await subscriber.SubscribeAsync(channel, handler).ConfigureAwait(false);
        return new Subscription(subscriber, channel, handler);
    }

    private sealed class Subscription(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await subscriber.UnsubscribeAsync(channel, handler).ConfigureAwait(false);
    }

    public async Task<bool> HandOffAsync(Assignment assignment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var receivers = await redis.GetSubscriber().PublishAsync(ChannelOf(assignment.Call.Node), JsonSerializer.Serialize(assignment)).ConfigureAwait(false);
        return receivers > 0;
    }
}
