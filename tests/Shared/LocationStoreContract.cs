using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Telephony.Sip.Registrar;

namespace Telephony.Tests.Shared;

/// <summary>
/// The registrar's rules (RFC 3261 §10.3) over a location store, run against every implementation (in memory for
/// one node, Redis for several): each derived fixture says how to make its store on the given clock.
/// </summary>
public abstract class LocationStoreContract
{
    private FakeTimeProvider _time = null!;
    private ILocationStore _store = null!;
    private RegistrarCore _registrar = null!;
    private const string Aor = "sip:1001@telephony.local";

    /// <summary>A new, empty store that reads time from <paramref name="time"/>.</summary>
    protected abstract Task<ILocationStore> CreateStoreAsync(TimeProvider time);

    [SetUp]
    public async Task SetUpStore()
    {
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _store = await CreateStoreAsync(_time);
        _registrar = new RegistrarCore(_store, new RegistrarOptions { MinExpires = 60, MaxExpires = 3600, MaxBindingsPerAor = 3 }, _time);
    }

    private static RegisterInput Register(uint cseq, int? expires, params RegisterContact[] contacts) =>
        new(Aor, "call-1", cseq, contacts, ExpiresHeader: expires);

    [Test]
    public async Task Registers_several_contacts_with_header_and_param_expiry()
    {
        var outcome = await _registrar.RegisterAsync(Register(1, 600, new("sip:a@10.0.0.1"), new("sip:b@10.0.0.2", ExpiresParam: 120)));
        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        var bindings = await _store.GetBindingsAsync(Aor);
        Assert.That(bindings.Select(b => (b.ContactUri, b.SecondsLeft(_time.GetUtcNow()))),
            Is.EquivalentTo(new[] { ("sip:a@10.0.0.1", 600), ("sip:b@10.0.0.2", 120) }));
    }

    [Test]
    public async Task Bindings_expire_and_are_purged()
    {
        await _registrar.RegisterAsync(Register(1, 60, new RegisterContact("sip:a@10.0.0.1")));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.That(await _store.GetBindingsAsync(Aor), Is.Empty);
        Assert.That(await _store.PurgeExpiredAsync(), Is.EqualTo(1));
        Assert.That(await _store.PurgeExpiredAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task Refresh_extends_and_zero_expiry_removes_one_contact()
    {
        await _registrar.RegisterAsync(Register(1, 60, new("sip:a@10.0.0.1"), new("sip:b@10.0.0.2")));
        _time.Advance(TimeSpan.FromSeconds(50));
        await _registrar.RegisterAsync(Register(2, 300, new RegisterContact("sip:a@10.0.0.1")));
        var outcome = await _registrar.RegisterAsync(Register(3, null, new RegisterContact("sip:b@10.0.0.2", ExpiresParam: 0)));
        Assert.That(outcome.Bindings.Single().ContactUri, Is.EqualTo("sip:a@10.0.0.1"));
        Assert.That(outcome.Bindings.Single().SecondsLeft(_time.GetUtcNow()), Is.EqualTo(300));
    }

    [Test]
    public async Task Wildcard_with_expires_zero_removes_all_and_is_otherwise_rejected()
    {
        await _registrar.RegisterAsync(Register(1, 600, new("sip:a@10.0.0.1"), new("sip:b@10.0.0.2")));
        Assert.That((await _registrar.RegisterAsync(new RegisterInput(Aor, "other", 1, [], Wildcard: true, ExpiresHeader: 10))).StatusCode, Is.EqualTo(400));
        Assert.That((await _registrar.RegisterAsync(new RegisterInput(Aor, "other", 1, [new("sip:c@x")], Wildcard: true, ExpiresHeader: 0))).StatusCode, Is.EqualTo(400));
        var ok = await _registrar.RegisterAsync(new RegisterInput(Aor, "other", 1, [], Wildcard: true, ExpiresHeader: 0));
        Assert.That(ok.StatusCode, Is.EqualTo(200));
        Assert.That(await _store.GetBindingsAsync(Aor), Is.Empty);
    }

    [Test]
    public async Task Too_brief_interval_gets_423_with_min_expires_and_long_ones_are_capped()
    {
        var brief = await _registrar.RegisterAsync(Register(1, 30, new RegisterContact("sip:a@10.0.0.1")));
        Assert.That((brief.StatusCode, brief.MinExpires), Is.EqualTo((423, (int?)60)));
        var capped = await _registrar.RegisterAsync(Register(2, 99999, new RegisterContact("sip:a@10.0.0.1")));
        Assert.That(capped.Bindings.Single().SecondsLeft(_time.GetUtcNow()), Is.EqualTo(3600));
    }

    [Test]
    public async Task Same_call_id_with_old_cseq_is_rejected()
    {
        await _registrar.RegisterAsync(Register(5, 600, new RegisterContact("sip:a@10.0.0.1")));
        Assert.That((await _registrar.RegisterAsync(Register(5, 600, new RegisterContact("sip:a@10.0.0.1")))).StatusCode, Is.EqualTo(500));
        Assert.That((await _registrar.RegisterAsync(Register(6, 600, new RegisterContact("sip:a@10.0.0.1")))).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Contact_count_is_bounded_and_query_returns_current_bindings()
    {
        await _registrar.RegisterAsync(Register(1, 600, new("sip:a@1"), new("sip:b@1"), new("sip:c@1")));
        Assert.That((await _registrar.RegisterAsync(Register(2, 600, new RegisterContact("sip:d@1")))).StatusCode, Is.EqualTo(403));
        var query = await _registrar.RegisterAsync(Register(3, null));
        Assert.That((query.StatusCode, query.Bindings.Count), Is.EqualTo((200, 3)));
    }

    [Test]
    public async Task A_binding_keeps_its_path_and_one_stores_bindings_are_seen_by_another_over_the_same_data()
    {
        var input = new RegisterInput(Aor, "call-1", 1, [new RegisterContact("sip:1001@127.0.0.1:5090")], ExpiresHeader: 600,
            Source: "udp:127.0.0.4:5070", Path: ["<sip:127.0.0.4:5070;lr>"]);
        await _registrar.RegisterAsync(input);
        var binding = (await _store.GetBindingsAsync(Aor.ToUpperInvariant())).Single();
        Assert.That((binding.ContactUri, binding.Source, binding.RouteSet.Single(), binding.SecondsLeft(_time.GetUtcNow())),
            Is.EqualTo(("sip:1001@127.0.0.1:5090", "udp:127.0.0.4:5070", "<sip:127.0.0.4:5070;lr>", 600)), "the AOR is case-insensitive; the Path is kept");
        var other = await SecondViewAsync(_time);
        if (other is not null)
        {
            Assert.That((await other.GetBindingsAsync(Aor)).Single().ContactUri, Is.EqualTo("sip:1001@127.0.0.1:5090"), "another node sees it");
        }
    }

    /// <summary>A second store over the same data (another node), or null when the store is one process's own.</summary>
    protected virtual Task<ILocationStore?> SecondViewAsync(TimeProvider time) => Task.FromResult<ILocationStore?>(null);
}
