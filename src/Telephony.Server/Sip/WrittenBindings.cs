using Telephony.Sip.Registrar;

namespace Telephony.Server.Sip;

/// <summary>
/// The bindings this node wrote to the shared location store, as it last wrote them: what it puts back when Redis
/// restarts without persistence (<see cref="RedisLocationStore"/>). Only this node's REGISTERs pass here, so the union
/// of every node's copy is the store again. Expired bindings are dropped as they are met. Thread-safe (one lock: a
/// write is a few dictionary operations per REGISTER).
/// </summary>
internal sealed class WrittenBindings
{
    private readonly Dictionary<string, Dictionary<string, Binding>> _byAor = new(StringComparer.Ordinal); // aor (lower case) → contact (lower case) → binding
    private readonly Lock _lock = new();

    /// <summary>Applies one write as the store applied it: <paramref name="remove"/> gone, <paramref name="upsert"/> in.</summary>
    public void Apply(string aor, IReadOnlyList<Binding> upsert, IReadOnlyList<string> remove, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_byAor.TryGetValue(aor, out var contacts))
            {
                _byAor[aor] = contacts = new Dictionary<string, Binding>(StringComparer.Ordinal);
            }
            foreach (var contact in remove)
            {
                contacts.Remove(contact.ToLowerInvariant());
            }
            foreach (var binding in upsert)
            {
                contacts[binding.ContactUri.ToLowerInvariant()] = binding;
            }
            DropExpired(aor, contacts, now);
        }
    }

    /// <summary>The address-of-record was cleared (every contact removed).</summary>
    public void Forget(string aor)
    {
        lock (_lock)
        {
            _byAor.Remove(aor);
        }
    }

    /// <summary>Every address-of-record with its bindings still unexpired at <paramref name="now"/>.</summary>
    public IReadOnlyList<(string Aor, IReadOnlyList<Binding> Bindings)> Unexpired(DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var (aor, contacts) in _byAor.ToList())
            {
                DropExpired(aor, contacts, now);
            }
            return _byAor.Select(e => (e.Key, (IReadOnlyList<Binding>)e.Value.Values.ToList())).ToList();
        }
    }

    private void DropExpired(string aor, Dictionary<string, Binding> contacts, DateTimeOffset now)
    {
        foreach (var (contact, binding) in contacts.ToList())
        {
            if (binding.ExpiresAt <= now)
            {
                contacts.Remove(contact);
            }
        }
        if (contacts.Count == 0)
        {
            _byAor.Remove(aor);
        }
    }
}
