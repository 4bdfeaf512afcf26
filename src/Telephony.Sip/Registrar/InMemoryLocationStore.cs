using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Telephony.Sip.Registrar;

/// <summary>The location store for a single node: immutable binding lists swapped atomically per AOR.</summary>
public sealed class InMemoryLocationStore(TimeProvider? time = null) : ILocationStore
{
    private readonly ConcurrentDictionary<string, ImmutableList<Binding>> _byAor = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Binding>> GetBindingsAsync(string aor, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<Binding> result = _byAor.TryGetValue(aor, out var list)
            ? list.Where(b => b.ExpiresAt > now).ToList()
            : [];
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask ApplyAsync(string aor, IReadOnlyList<Binding> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
    {
        _byAor.AddOrUpdate(
            aor,
            _ => Apply([], upsert, remove),
            (_, existing) => Apply(existing, upsert, remove));
        DropIfEmpty(aor);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAllAsync(string aor, CancellationToken cancellationToken = default)
    {
        _byAor.TryRemove(aor, out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        int removed = 0;
        foreach (var aor in _byAor.Keys)
        {
            while (_byAor.TryGetValue(aor, out var list))
            {
                var kept = list.RemoveAll(b => b.ExpiresAt <= now);
                if (kept.Count == list.Count || _byAor.TryUpdate(aor, kept, list))
                {
                    removed += list.Count - kept.Count;
                    break;
                }
            }
            DropIfEmpty(aor);
        }
        return ValueTask.FromResult(removed);
    }

    private void DropIfEmpty(string aor)
    {
        if (_byAor.TryGetValue(aor, out var list) && list.IsEmpty)
        {
            _byAor.TryRemove(new KeyValuePair<string, ImmutableList<Binding>>(aor, list));
        }
    }

    private static ImmutableList<Binding> Apply(ImmutableList<Binding> existing, IReadOnlyList<Binding> upsert, IReadOnlyList<string> remove)
    {
        var result = existing.RemoveAll(b => remove.Any(r => Binding.SameContact(r, b.ContactUri))
            || upsert.Any(u => Binding.SameContact(u.ContactUri, b.ContactUri)));
        return result.AddRange(upsert);
    }
}
