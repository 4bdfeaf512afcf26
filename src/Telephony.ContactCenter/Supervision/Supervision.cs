using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Supervision;

/// <summary>How a supervisor joins an agent's call.</summary>
public enum SupervisionMode
{
    /// <summary>Hears both sides; nobody hears the supervisor.</summary>
    Monitor,
    /// <summary>Hears both sides; only the agent hears the supervisor.</summary>
    Whisper,
    /// <summary>Joins the conversation; both hear the supervisor.</summary>
    Barge,
}

/// <summary>
/// A validated order for the server's media side (the mixer): attach <see cref="SupervisorId"/> to
/// <see cref="CallId"/> at the given mode, or detach when <see cref="Mode"/> is null.
/// </summary>
public sealed record SupervisionCommand(string SupervisorId, string CallId, string Extension, string AgentId, SupervisionMode? Mode, DateTimeOffset At);

/// <summary>Why a supervision request was refused (or <see cref="None"/>).</summary>
public enum SupervisionError
{
    None,
    UnknownSeat,
    /// <summary>The seat is not on a call (only OnCall seats can be supervised).</summary>
    NotOnCall,
    /// <summary>Another supervisor already whispers or barges on this call.</summary>
    CallTaken,
    /// <summary>The supervisor has no supervision to change or stop.</summary>
    NotSupervising,
}

/// <summary>The outcome of a supervision request: the command to carry out, or an error.</summary>
public sealed record SupervisionResult(SupervisionError Error, SupervisionCommand? Command)
{
    public bool Succeeded => Error == SupervisionError.None;
}

/// <summary>
/// Supervisor operations as commands: checks a request against the live seat state and the sessions
/// already running, and returns the command the server will carry out. A supervisor supervises one
/// call at a time; a call may have any number of monitors but one whisperer or barger.
/// Sessions are kept on this node (the node that carries out the mixing).
/// </summary>
public sealed class SupervisorDesk(ISeatStore store, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SupervisionCommand> _bySupervisor = new(StringComparer.Ordinal);

    /// <summary>The supervisions running now.</summary>
    public IReadOnlyList<SupervisionCommand> Active
    {
        get { lock (_gate) return [.. _bySupervisor.Values]; }
    }

    /// <summary>Starts (or changes the mode of) the supervisor's supervision of the agent at <paramref name="extension"/>.</summary>
    public async Task<SupervisionResult> StartAsync(string supervisorId, string extension, SupervisionMode mode, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(supervisorId);
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode));
        var seat = await store.GetSeatAsync(extension, ct).ConfigureAwait(false);
        if (seat is null)
            return new(SupervisionError.UnknownSeat, null);
        if (seat.State != AgentState.OnCall || seat.CallId is null || seat.AgentId is null)
            return new(SupervisionError.NotOnCall, null);
        lock (_gate)
        {
            if (mode != SupervisionMode.Monitor && _bySupervisor.Values.Any(s =>
                    s.CallId == seat.CallId && s.SupervisorId != supervisorId && s.Mode != SupervisionMode.Monitor))
                return new(SupervisionError.CallTaken, null);
            var command = new SupervisionCommand(supervisorId, seat.CallId, extension, seat.AgentId, mode, time.GetUtcNow());
            _bySupervisor[supervisorId] = command;
            return new(SupervisionError.None, command);
        }
    }

    /// <summary>Ends the supervisor's supervision; the command has a null mode (detach).</summary>
    public SupervisionResult Stop(string supervisorId)
    {
        lock (_gate)
        {
            if (!_bySupervisor.Remove(supervisorId, out var running))
                return new(SupervisionError.NotSupervising, null);
            return new(SupervisionError.None, running with { Mode = null, At = time.GetUtcNow() });
        }
    }

    /// <summary>The call ended: every supervision of it stops; returns the detach commands.</summary>
    public IReadOnlyList<SupervisionCommand> CallEnded(string callId)
    {
        lock (_gate)
        {
            var ended = _bySupervisor.Values.Where(s => s.CallId == callId).ToList();
            foreach (var s in ended)
                _bySupervisor.Remove(s.SupervisorId);
            return [.. ended.Select(s => s with { Mode = null, At = time.GetUtcNow() })];
        }
    }
}
