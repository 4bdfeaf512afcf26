namespace Telephony.Interop.Tests.Softphone;

/// <summary>Waiting on the softphone's event stream.</summary>
internal static class AgentEvents
{
    /// <summary>The next event of type <typeparamref name="T"/>, skipping others, within <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task<T> NextAsync<T>(this ChannelReader<AgentEvent> events, CancellationToken ct, TimeSpan? timeout = null) where T : AgentEvent
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await events.ReadAsync(cts.Token) is T wanted)
            {
                return wanted;
            }
        }
    }
}
