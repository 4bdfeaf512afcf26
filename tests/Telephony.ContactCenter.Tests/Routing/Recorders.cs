using System.Collections.Concurrent;

namespace Telephony.ContactCenter.Tests.Routing;

/// <summary>Stands in for the server's call manager: records what the ACD asked of it.</summary>
internal sealed class RecordingCallControl : IAcdCallControl
{
    public ConcurrentQueue<CallOffer> Offers { get; } = new();
    public ConcurrentQueue<(string CallId, string Extension)> Withdrawn { get; } = new();
    public ConcurrentQueue<QueuePosition> Positions { get; } = new();
    public HashSet<string> Unreachable { get; } = [];

    public Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default)
    {
        Offers.Enqueue(offer);
        return Task.FromResult(!Unreachable.Contains(offer.Seat.Extension));
    }

    public Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default)
    {
        Withdrawn.Enqueue((callId, extension));
        return Task.CompletedTask;
    }

    public Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default)
    {
        Positions.Enqueue(position);
        return Task.CompletedTask;
    }

    public ConcurrentQueue<QueueExit> Exits { get; } = new();

    public Task QueueExitAsync(QueueExit exit, CancellationToken ct = default)
    {
        Exits.Enqueue(exit);
        return Task.CompletedTask;
    }

    public IEnumerable<int> PositionsOf(string callId) => Positions.Where(p => p.CallId == callId).Select(p => p.Position);
}

/// <summary>Stands in for the SignalR side: records desktop events.</summary>
internal sealed class RecordingDesktops : IDesktopEventSink
{
    public ConcurrentQueue<DesktopEvent> Events { get; } = new();

    public Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default)
    {
        Events.Enqueue(desktopEvent);
        return Task.CompletedTask;
    }

    public IEnumerable<T> Of<T>() where T : DesktopEvent => Events.OfType<T>();
}
