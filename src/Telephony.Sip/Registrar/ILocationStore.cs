namespace Telephony.Sip.Registrar;

/// <summary>
/// Where registrations live (the location service of RFC 3261 §10). In memory for one node;
/// a Redis implementation lets several nodes share it. Implementations never return expired bindings.
/// </summary>
public interface ILocationStore
{
    /// <summary>The unexpired bindings of an address-of-record (empty when none).</summary>
    ValueTask<IReadOnlyList<Binding>> GetBindingsAsync(string aor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one REGISTER's changes to an address-of-record: removes the contacts in
    /// <paramref name="remove"/>, then adds or replaces (by contact URI) those in <paramref name="upsert"/>.
    /// </summary>
    ValueTask ApplyAsync(string aor, IReadOnlyList<Binding> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken = default);

    /// <summary>Removes every binding of an address-of-record.</summary>
    ValueTask RemoveAllAsync(string aor, CancellationToken cancellationToken = default);

    /// <summary>Drops expired bindings; returns how many were removed.</summary>
    ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default);
}
