using Telephony.ContactCenter.Routing;

namespace Telephony.Calls.Sessions;

/// <summary>
/// A queued caller who chose "call me back" and hung up: their ACD entry (<see cref="Call"/>, same call id) keeps its
/// place, or is queued again when <see cref="Requeue"/> (they hung up while an agent's phone rang for them).
/// </summary>
internal sealed record ParkedCallback(InboundCall Call, bool Requeue);
