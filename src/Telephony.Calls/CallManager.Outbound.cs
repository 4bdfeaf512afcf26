using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Outbound;
using Telephony.Calls.Sessions;
using Telephony.Calls.Trunks;
using Telephony.Cases;
using Telephony.Cases.Callbacks;

namespace Telephony.Calls;

// Calls the centre places to citizens who contacted us: callbacks, missed-call returns, return visits.
public sealed partial class CallManager
{
    private readonly ConcurrentDictionary<string, OutboundCallSession> _outbound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _outboundLoops = new(StringComparer.Ordinal);

    /// <summary>The retry policy of callback and missed-call tasks (<c>Calls:CallbackMaxAttempts</c>, <c>Calls:CallbackRetryIntervalSeconds</c>).</summary>
    public CallbackRetryPolicy CallbackPolicy => new(_options.CallbackMaxAttempts, TimeSpan.FromSeconds(_options.CallbackRetryIntervalSeconds));

    /// <summary>Outbound calls in progress on this node.</summary>
    public int ActiveOutboundCalls => _outbound.Count;

    /// <summary>
    /// Places a call to a citizen: the agent's seat rings first, then the citizen through <c>Trunks:OutboundUri</c>, and
    /// both are bridged and recorded. Refused (nothing dialled, logged) for an anonymous or undiallable number, without
    /// a trunk, when the seat's phone is not registered, or while the node drains.
    /// </summary>
    public async Task<OutboundDial> DialCitizenAsync(OutboundCallRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_services is not { } services || Drain.IsDraining)
        {
            return Refuse(request, "The node is not taking calls.");
        }
        if (!CallbackNumbers.IsDiallable(request.Number))
        {
            return Refuse(request, "The citizen's number is unknown (anonymous or withheld): nothing can be dialled.");
        }
        if (new CitizenDialling(_dialPlan.Trunks).Target(request.Number) is not { } target)
        {
            return Refuse(request, "No outbound trunk is configured (Trunks:OutboundUri).");
        }
        var contacts = await _seatPhones.ContactsAsync(request.Extension, ct).ConfigureAwait(false);
        if (contacts.Count == 0)
        {
            return Refuse(request, "The seat's phone is not registered.");
        }
        var callId = "out-" + Guid.NewGuid().ToString("N") + "@" + Records.NodeId;
        var session = new OutboundCallSession(services, request, callId, target, contacts[0],
            TimeSpan.FromSeconds(_options.OutboundRingTimeoutSeconds), _loggers.CreateLogger<OutboundCallSession>());
        _outbound[callId] = session;
        _outboundLoops[callId] = RunOutboundAsync(session);
        return new OutboundDial(callId, null, session.Settled);
    }

    private OutboundDial Refuse(OutboundCallRequest request, string reason)
    {
        CallsLog.OutboundRefused(_log, request.Purpose.ToText(), request.Number, request.Extension, reason);
        return OutboundDial.Refused(reason);
    }

    private async Task RunOutboundAsync(OutboundCallSession session)
    {
        await Task.Yield();
        try
        {
            await session.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _outbound.TryRemove(session.CallId, out _);
            _outboundLoops.TryRemove(session.CallId, out _);
        }
    }

    /// <summary>Ends the outbound calls (node stopping); part of <see cref="StopAsync"/>.</summary>
    private Task StopOutboundAsync()
    {
        foreach (var call in _outbound.Values)
        {
            call.Post(new Shutdown());
        }
        return Task.WhenAll(_outboundLoops.Values);
    }
}
