using Telephony.ContactCenter.Events;

namespace Telephony.Server.Agents;

/// <summary>Hands each desktop event to several sinks in turn (the ACD knows one sink).</summary>
public sealed class DesktopEventSinks(params IDesktopEventSink[] sinks) : IDesktopEventSink
{
    /// <inheritdoc />
    public async Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default)
    {
        foreach (var sink in sinks)
        {
            await sink.PublishAsync(desktopEvent, ct).ConfigureAwait(false);
        }
    }
}
