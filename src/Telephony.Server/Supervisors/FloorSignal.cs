using Telephony.ContactCenter.Events;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Wakes the wall's publisher when something on the floor changed (a desktop event: a seat changed state, a
/// call was offered, answered or left a seat). Pokes collapse into one (a burst of sixty state changes is one
/// look at the floor), and the publisher also looks on its own every <see cref="WallboardSettings.FloorMilliseconds"/>
/// for what raises no desktop event (a call joining or leaving a queue).
/// </summary>
public sealed class FloorSignal : IDesktopEventSink, IDisposable
{
    private readonly SemaphoreSlim _poke = new(0, 1);

    /// <summary>Something changed: look at the floor now.</summary>
    public void Poke()
    {
        if (_poke.CurrentCount > 0)
            return;
        try
        {
            _poke.Release();
        }
        catch (SemaphoreFullException)
        {
            // Poked by another thread in between: one poke is enough.
        }
    }

    /// <inheritdoc />
    public Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default)
    {
        Poke();
        return Task.CompletedTask;
    }

    /// <summary>Completes at the next poke or after <paramref name="max"/>.</summary>
    public Task WaitAsync(TimeSpan max, CancellationToken ct) => _poke.WaitAsync(max, ct);

    /// <inheritdoc />
    public void Dispose() => _poke.Dispose();
}
