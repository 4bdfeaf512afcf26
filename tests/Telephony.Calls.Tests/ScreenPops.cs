using System.Collections.Concurrent;
using System.Threading.Channels;
using Telephony.ContactCenter.Events;

namespace Telephony.Calls.Tests;

/// <summary>
/// The agents' desktops in-process: each pop lands in the agent's channel and, unless the test
/// acknowledges pops itself, is acknowledged right away through the command path
/// (<see cref="CallManager.AskAsync"/> with <c>AcknowledgePop</c>), as a desktop showing it would.
/// </summary>
internal sealed class ScreenPops : IScreenPopNotifier
{
    private readonly ConcurrentDictionary<string, Channel<ScreenPop>> _byAgent = new(StringComparer.Ordinal);

    /// <summary>The manager to acknowledge through (set once it exists).</summary>
    public CallManager? Calls { get; set; }

    /// <summary>Acknowledge every pop as it comes (the default); off when the test does it.</summary>
    public bool AutoAcknowledge { get; set; } = true;

    /// <summary>The pops pushed to <paramref name="agentId"/>'s desktop, in order.</summary>
    public ChannelReader<ScreenPop> For(string agentId) => Channel(agentId).Reader;

    public Task PushScreenPopAsync(ScreenPop pop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pop);
        var agentId = pop.AgentId ?? pop.Extension;
        Channel(agentId).Writer.TryWrite(pop);
        if (AutoAcknowledge && Calls is { } calls)
        {
            // Not inline: the call's own loop is awaiting this push, and the acknowledgement goes through its mailbox.
            _ = Task.Run(() => calls.AskAsync(pop.CallId, new Commands.AcknowledgePop(agentId), CancellationToken.None), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    private Channel<ScreenPop> Channel(string agentId) =>
        _byAgent.GetOrAdd(agentId, _ => System.Threading.Channels.Channel.CreateUnbounded<ScreenPop>());
}
