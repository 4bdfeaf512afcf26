using System.Globalization;
using Telephony.Sip.Messages;

namespace Telephony.Sip.Registrar;

/// <summary>
/// The SIP face of <see cref="RegistrarCore"/>: takes an (already authenticated and authorised)
/// REGISTER apart and builds the response (§10.3 step 8: 200 with every current binding and its
/// expires; 423 with Min-Expires; 400 for malformed contacts).
/// </summary>
public sealed class SipRegistrar(RegistrarCore core, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The rules underneath.</summary>
    public RegistrarCore Core => core;

    /// <summary>Applies <paramref name="request"/> to <paramref name="aor"/> and returns the response to send.</summary>
    public async ValueTask<SipResponseBuilder> RegisterAsync(SipRequest request, string aor, string? source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool wildcard = request.IsContactWildcard;
        var contacts = new List<RegisterContact>();
        if (!wildcard)
        {
            if (request.HasHeader(SipHeaderNames.Contact) && request.Contacts.Count == 0)
            {
                return SipResponseBuilder.CreateErrorResponse(request, 400, "malformed Contact", "telephony");
            }
            foreach (var c in request.Contacts)
            {
                int? expires = c.Parameters.Get("expires") is { } e
                    ? (uint.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? (int)Math.Min(v, int.MaxValue) : -1)
                    : null;
                if (expires == -1)
                {
                    return SipResponseBuilder.CreateErrorResponse(request, 400, "malformed expires parameter", "telephony");
                }
                var q = c.Parameters.Get("q");
                contacts.Add(new RegisterContact(c.Uri.ToString(), expires, q, c.Parameters.Get("+sip.instance")));
            }
        }
        int? expiresHeader = null;
        if (request.HasHeader(SipHeaderNames.Expires))
        {
            if (request.Expires is not { } header)
            {
                return SipResponseBuilder.CreateErrorResponse(request, 400, "malformed Expires", "telephony");
            }
            expiresHeader = (int)Math.Min(header, int.MaxValue);
        }
        // RFC 3327 §5.3: a registrar that supports Path stores the proxies' Path values with the binding and
        // uses them as the preloaded Route set of requests to the contact; we always do (Kamailio in front).
        if (request.Paths is not { } paths)
        {
            return SipResponseBuilder.CreateErrorResponse(request, 400, "malformed Path", "telephony");
        }
        var path = paths.Select(p => p.ToString()).ToList();
        var input = new RegisterInput(aor, request.CallId!, request.CSeq!.Number, contacts, wildcard, expiresHeader, source, path);
        var outcome = await core.RegisterAsync(input, cancellationToken).ConfigureAwait(false);

        var response = SipResponseBuilder.CreateResponse(request, outcome.StatusCode, outcome.Reason);
        if (outcome.StatusCode == 423 && outcome.MinExpires is { } min)
        {
            response.SetHeader(SipHeaderNames.MinExpires, min.ToString(CultureInfo.InvariantCulture));
        }
        if (outcome.StatusCode == 200)
        {
            var now = _time.GetUtcNow();
            foreach (var binding in outcome.Bindings)
            {
                var value = $"<{binding.ContactUri}>;expires={binding.SecondsLeft(now).ToString(CultureInfo.InvariantCulture)}";
                if (binding.Q is { } q)
                {
                    value += ";q=" + q;
                }
                response.AddHeader(SipHeaderNames.Contact, value);
            }
            response.SetHeader(SipHeaderNames.Date, now.ToString("r", CultureInfo.InvariantCulture));
            foreach (var hop in path)
            {
                response.AddHeader(SipHeaderNames.Path, hop); // §5.3: the registrar copies Path into the 200
            }
        }
        return response;
    }
}
