using Telephony.ContactCenter.Events;

namespace Telephony.Calls;

/// <summary>
/// Pushes a screen-pop to one agent's desktop (the host implements it over SignalR). The call
/// manager awaits it before the seat may ring, so the pop is on its way first.
/// </summary>
public interface IScreenPopNotifier
{
    /// <summary>Sends the pop to the agent's desktop; completes when the transport (or its backplane) has taken it.</summary>
    Task PushScreenPopAsync(ScreenPop pop, CancellationToken ct = default);
}
