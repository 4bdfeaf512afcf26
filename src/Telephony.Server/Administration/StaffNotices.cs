using StackExchange.Redis;

namespace Telephony.Server.Administration;

/// <summary>
/// Tells the other nodes that the staff tables changed, over Redis pub/sub (<c>{prefix}:staff-changes</c>, the
/// channel family of <c>CallCommandRouter</c>'s <c>{prefix}:call-commands</c>). A notice only says "version N from
/// node X"; each node reads the tables itself, so a lost notice costs a delay (the version check), never a wrong
/// state. Without Redis (one node) there is nobody to tell.
/// </summary>
public sealed class StaffNotices(IConnectionMultiplexer? redis, string keyPrefix, string node)
{
    private RedisChannel Channel => RedisChannel.Literal(keyPrefix + ":staff-changes");

    /// <summary>Publishes that the tables are at <paramref name="version"/> (no-op without Redis).</summary>
    public async Task PublishAsync(long version)
    {
        if (redis is null)
            return;
        await redis.GetSubscriber().PublishAsync(Channel, $"{version} {node}").ConfigureAwait(false);
    }

    /// <summary>Calls <paramref name="onNotice"/> for each other node's notice (in order, one at a time).</summary>
    public async Task SubscribeAsync(Func<long, Task> onNotice)
    {
        if (redis is null)
            return;
        var queue = await redis.GetSubscriber().SubscribeAsync(Channel).ConfigureAwait(false);
        queue.OnMessage(async message =>
        {
            var text = (string?)message.Message ?? "";
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || text[(space + 1)..] == node || !long.TryParse(text.AsSpan(0, space), System.Globalization.CultureInfo.InvariantCulture, out var version))
                return;
            await onNotice(version).ConfigureAwait(false);
        });
    }

    /// <summary>Stops listening.</summary>
    public Task UnsubscribeAsync() => redis is null ? Task.CompletedTask : redis.GetSubscriber().UnsubscribeAsync(Channel);
}
