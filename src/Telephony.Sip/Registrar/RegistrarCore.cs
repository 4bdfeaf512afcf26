namespace Telephony.Sip.Registrar;

/// <summary>One Contact of a REGISTER, already taken apart by the SIP adapter.</summary>
public sealed record RegisterContact(string Uri, int? ExpiresParam = null, string? Q = null, string? InstanceId = null);

/// <summary>The parts of a REGISTER the registrar rules need (RFC 3261 §10.3), for an already authorised AOR.</summary>
public sealed record RegisterInput(
    string Aor,
    string CallId,
    uint CSeq,
    IReadOnlyList<RegisterContact> Contacts,
    bool Wildcard = false,
    int? ExpiresHeader = null,
    string? Source = null,
    IReadOnlyList<string>? Path = null);

/// <summary>The registrar's answer: a status code, reason, the current bindings for a 2xx, Min-Expires for a 423.</summary>
public sealed record RegisterOutcome(int StatusCode, string Reason, IReadOnlyList<Binding> Bindings, int? MinExpires = null);

/// <summary>Limits applied by the registrar.</summary>
public sealed record RegistrarOptions
{
    /// <summary>Shortest registration accepted (423 below it, §10.3 step 7).</summary>
    public int MinExpires { get; init; } = 60;
    /// <summary>Longest registration granted (longer requests are shortened).</summary>
    public int MaxExpires { get; init; } = 3600;
    /// <summary>Used when neither an expires parameter nor an Expires header is present.</summary>
    public int DefaultExpires { get; init; } = 3600;
    /// <summary>Bound on contacts per address-of-record.</summary>
    public int MaxBindingsPerAor { get; init; } = 10;
}

/// <summary>
/// The registrar rules of RFC 3261 §10.3 steps 6–8 over a <see cref="ILocationStore"/>:
/// wildcard removal, per-contact expiry (parameter, then header, then default), 423 with
/// Min-Expires, Call-ID/CSeq ordering, refresh and removal. Authentication and the
/// "may this user register this AOR" check (steps 4–5) happen before this is called.
/// </summary>
public sealed class RegistrarCore(ILocationStore store, RegistrarOptions? options = null, TimeProvider? time = null)
{
    private readonly RegistrarOptions _options = options ?? new RegistrarOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The options in force.</summary>
    public RegistrarOptions Options => _options;

    /// <summary>Applies a REGISTER and returns what to answer.</summary>
    public async ValueTask<RegisterOutcome> RegisterAsync(RegisterInput input, CancellationToken cancellationToken = default)
    {
        var existing = await store.GetBindingsAsync(input.Aor, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();

        if (input.Wildcard)
        {
            // §10.3 step 6: "*" only alone and only with Expires: 0.
            if (input.Contacts.Count > 0 || input.ExpiresHeader != 0)
            {
                return new RegisterOutcome(400, "Invalid wildcard registration", existing);
            }
            if (existing.Any(b => OutOfOrder(b, input)))
            {
                return new RegisterOutcome(500, "Out of order CSeq", existing);
            }
            await store.RemoveAllAsync(input.Aor, cancellationToken).ConfigureAwait(false);
            return new RegisterOutcome(200, "OK", []);
        }

        if (input.Contacts.Count == 0)
        {
            return new RegisterOutcome(200, "OK", existing); // a query (§10.2.3)
        }

        var upsert = new List<Binding>();
        var remove = new List<string>();
        foreach (var contact in input.Contacts)
        {
            int expires = contact.ExpiresParam ?? input.ExpiresHeader ?? _options.DefaultExpires;
            if (expires < 0)
            {
                return new RegisterOutcome(400, "Invalid expires", existing);
            }
            if (expires > 0 && expires < _options.MinExpires)
            {
                return new RegisterOutcome(423, "Interval Too Brief", existing, _options.MinExpires);
            }
            var current = existing.FirstOrDefault(b => Binding.SameContact(b.ContactUri, contact.Uri));
            if (current is not null && OutOfOrder(current, input))
            {
                return new RegisterOutcome(500, "Out of order CSeq", existing);
            }
            if (expires == 0)
            {
                remove.Add(contact.Uri);
                upsert.RemoveAll(u => Binding.SameContact(u.ContactUri, contact.Uri));
            }
            else
            {
                expires = Math.Min(expires, _options.MaxExpires);
                upsert.RemoveAll(u => Binding.SameContact(u.ContactUri, contact.Uri));
                upsert.Add(new Binding(input.Aor, contact.Uri, input.CallId, input.CSeq, now.AddSeconds(expires), contact.Q, contact.InstanceId, input.Source, input.Path is { Count: > 0 } path ? path : null));
            }
        }

        int after = existing.Count(b => !remove.Any(r => Binding.SameContact(r, b.ContactUri)) && !upsert.Any(u => Binding.SameContact(u.ContactUri, b.ContactUri)))
            + upsert.Count;
        if (after > _options.MaxBindingsPerAor)
        {
            return new RegisterOutcome(403, "Too many contacts", existing);
        }

        await store.ApplyAsync(input.Aor, upsert, remove, cancellationToken).ConfigureAwait(false);
        var bindings = await store.GetBindingsAsync(input.Aor, cancellationToken).ConfigureAwait(false);
        return new RegisterOutcome(200, "OK", bindings);
    }

    // §10.3 step 7: same Call-ID with a CSeq not higher than the binding's means an old or repeated request.
    private static bool OutOfOrder(Binding binding, RegisterInput input) =>
        binding.CallId == input.CallId && input.CSeq <= binding.CSeq;
}
