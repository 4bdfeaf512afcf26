using Telephony.Media.WebRtc.Ice;
using Telephony.Media.WebRtc.Stun;
using Telephony.Testing.WebRtc;

namespace Telephony.Media.Tests.WebRtc;

public class IceLiteResponderTests
{
    private static readonly IceCredentials Ours = new("ourUfrag", "ourPasswordOfTwentyFour1");
    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 28000);
    private static readonly IPEndPoint Browser = new(IPAddress.Loopback, 51000);
    private static readonly IPEndPoint Other = new(IPAddress.Loopback, 51001);

    private static byte[] Check(string username, string password, bool useCandidate = false, bool controlled = false, bool integrity = true) =>
        BrowserLikePeer.BindingRequest(username, password, useCandidate, controlled, integrity);

    private static (int Length, IceRefusal Refusal, bool Changed, byte[] Response) Send(IceLiteResponder ice, byte[] request, IPEndPoint from)
    {
        var response = new byte[IceLiteResponder.MaxResponseLength];
        int n = ice.Handle(request, from.Serialize(), response, out var refusal, out bool changed);
        return (n, refusal, changed, response.AsSpan(0, n).ToArray());
    }

    [Test]
    public void A_valid_check_is_answered_signed_and_selects_the_source()
    {
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        var (n, refusal, changed, response) = Send(ice, Check("ourUfrag:brws", Ours.Password), Browser);
        Assert.That(refusal, Is.EqualTo(IceRefusal.None));
        Assert.That(changed, Is.True);
        Assert.That(StunMessage.TryParse(response, out var m), Is.EqualTo(StunParseError.None));
        (ushort type, var mapped, bool signed) = (m.Type, m.GetXorMappedAddress(), m.VerifyIntegrity(Encoding.UTF8.GetBytes(Ours.Password)));
        Assert.Multiple(() =>
        {
            Assert.That(n, Is.GreaterThan(0));
            Assert.That(type, Is.EqualTo(StunMessageType.BindingSuccess));
            Assert.That(mapped, Is.EqualTo(Browser));
            Assert.That(signed, Is.True);
            Assert.That(ice.Selected, Is.EqualTo(Browser.Serialize()));
        });
    }

    [Test]
    public void A_loopback_candidate_answers_no_check_from_another_address_of_the_host()
    {
        // Chromium pairs its eth0 address with our 127.0.0.1 candidate too; the kernel delivers such checks.
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        var eth0 = new IPEndPoint(IPAddress.Parse("192.0.2.2"), 51002);
        var (n, refusal, changed, _) = Send(ice, Check("ourUfrag:brws", Ours.Password, useCandidate: true), eth0);
        Assert.Multiple(() =>
        {
            Assert.That(n, Is.Zero, "no answer at all: the pair fails as unreachable");
            Assert.That(refusal, Is.EqualTo(IceRefusal.NotLoopback));
            Assert.That(changed, Is.False);
            Assert.That(ice.Selected, Is.Null);
        });

        var (_, loopbackRefusal, loopbackChanged, _) = Send(ice, Check("ourUfrag:brws", Ours.Password, useCandidate: true), Browser);
        Assert.That(loopbackRefusal, Is.EqualTo(IceRefusal.None));
        Assert.That(loopbackChanged, Is.True);
        Assert.That(ice.Selected, Is.EqualTo(Browser.Serialize()));
    }

    [Test]
    public void A_candidate_off_loopback_answers_any_source()
    {
        var ice = new IceLiteResponder(Ours, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 28000));
        ice.SetRemote("brws");
        var (n, refusal, changed, _) = Send(ice, Check("ourUfrag:brws", Ours.Password), new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40000));
        Assert.That(refusal, Is.EqualTo(IceRefusal.None));
        Assert.That(n, Is.GreaterThan(0));
        Assert.That(changed, Is.True);
    }

    [Test]
    public void A_wrong_password_is_refused_with_401_and_selects_nothing()
    {
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        var (_, refusal, changed, response) = Send(ice, Check("ourUfrag:brws", "notOurPasswordOfTwentyFour"), Browser);
        Assert.That(refusal, Is.EqualTo(IceRefusal.WrongPassword));
        Assert.That(changed, Is.False);
        Assert.That(ice.Selected, Is.Null);
        Assert.That(ice.Refused, Is.EqualTo(1));
        Assert.That(StunMessage.TryParse(response, out var m), Is.EqualTo(StunParseError.None));
        Assert.That(m.Type, Is.EqualTo(StunMessageType.BindingError));
        Assert.That(response[StunMessage.HeaderLength + 6], Is.EqualTo(4)); // class 4
        Assert.That(response[StunMessage.HeaderLength + 7], Is.EqualTo(1)); // number 01
    }

    [TestCase("ourUfrag:other", IceRefusal.WrongUsername)]
    [TestCase("someone:brws", IceRefusal.WrongUsername)]
    public void A_wrong_username_is_refused(string username, IceRefusal expected)
    {
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        Assert.That(Send(ice, Check(username, Ours.Password), Browser).Refusal, Is.EqualTo(expected));
        Assert.That(ice.Selected, Is.Null);
    }

    [Test]
    public void Missing_integrity_and_role_conflict_are_refused()
    {
        var ice = new IceLiteResponder(Ours, Local);
        Assert.That(Send(ice, Check("ourUfrag:brws", Ours.Password, integrity: false), Browser).Refusal, Is.EqualTo(IceRefusal.MissingCredentials));
        Assert.That(Send(ice, Check("ourUfrag:brws", Ours.Password, controlled: true), Browser).Refusal, Is.EqualTo(IceRefusal.RoleConflict));
        Assert.That(ice.Selected, Is.Null);
    }

    [Test]
    public void Before_the_answer_a_check_signed_with_our_password_is_answered()
    {
        var ice = new IceLiteResponder(Ours, Local);
        Assert.That(Send(ice, Check("ourUfrag:early", Ours.Password), Browser).Refusal, Is.EqualTo(IceRefusal.None));
    }

    [Test]
    public void Nomination_moves_the_peer_once_and_for_all()
    {
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        Send(ice, Check("ourUfrag:brws", Ours.Password), Browser);
        Assert.That(Send(ice, Check("ourUfrag:brws", Ours.Password), Other).Changed, Is.False, "an unnominated check does not move the peer");
        Assert.That(Send(ice, Check("ourUfrag:brws", Ours.Password, useCandidate: true), Other).Changed, Is.True);
        Assert.That(ice.Selected, Is.EqualTo(Other.Serialize()));
        Assert.That(ice.Nominated, Is.True);
        Assert.That(Send(ice, Check("ourUfrag:brws", Ours.Password), Browser).Changed, Is.False);
        Assert.That(ice.Selected, Is.EqualTo(Other.Serialize()));
    }

    [Test]
    public void Fuzzed_checks_never_throw()
    {
        var ice = new IceLiteResponder(Ours, Local);
        ice.SetRemote("brws");
        var random = new Random(8445);
        var valid = Check("ourUfrag:brws", Ours.Password, useCandidate: true);
        var response = new byte[IceLiteResponder.MaxResponseLength];
        var from = Browser.Serialize();
        for (int i = 0; i < 100_000; i++)
        {
            var copy = (byte[])valid.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }
            int n = random.Next(copy.Length + 1);
            ice.Handle(copy.AsSpan(0, n), from, response, out _, out _);
        }
        Assert.That(ice.Refused, Is.GreaterThan(0));
    }

    [Test]
    public void Generated_credentials_are_valid_ice_chars()
    {
        var c = IceCredentials.Generate();
        Assert.That(IceCredentials.IsValid(c.UsernameFragment, c.Password), Is.True);
        Assert.That(IceCredentials.IsValid("ab", c.Password), Is.False);
        Assert.That(IceCredentials.IsValid(c.UsernameFragment, "short"), Is.False);
    }
}
