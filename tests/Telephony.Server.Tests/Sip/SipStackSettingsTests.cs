using Telephony.Sip.Stack;

namespace Telephony.Server.Tests.Sip;

public sealed class SipStackSettingsTests
{
    [Test]
    public void Settings_reach_the_endpoint_options()
    {
        var options = new SipServerOptions { T1 = 250, T2 = 2000, T4 = 3000, MaxConnections = 64, MaxMessageBytes = 8192, TcpIdleTimeoutSeconds = 30, TcpMessageTimeoutSeconds = 4, BadInputWarningsPerMinute = 2 };
        var endpoint = new SipEndpointOptions();
        options.ApplyStackSettings(endpoint);
        Assert.That((endpoint.Timers.T1, endpoint.Timers.T2, endpoint.Timers.T4),
            Is.EqualTo((TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3))));
        Assert.That((endpoint.Transport.MaxConnections, endpoint.Transport.MaxMessageSize, endpoint.Transport.ConnectionIdleTimeout, endpoint.Transport.MessageCompletionTimeout, endpoint.WarningsPerSource),
            Is.EqualTo((64, 8192, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(4), 2)));
    }

    [TestCase(nameof(SipServerOptions.T1), 0)]
    [TestCase(nameof(SipServerOptions.T2), 100)] // below T1
    [TestCase(nameof(SipServerOptions.T4), -5)]
    [TestCase(nameof(SipServerOptions.MaxConnections), 0)]
    [TestCase(nameof(SipServerOptions.MaxMessageBytes), 100)]
    [TestCase(nameof(SipServerOptions.TcpIdleTimeoutSeconds), 0)]
    [TestCase(nameof(SipServerOptions.TcpMessageTimeoutSeconds), 100_000)]
    [TestCase(nameof(SipServerOptions.BadInputWarningsPerMinute), 0)]
    public void Nonsense_is_refused_with_the_setting_named(string name, int value)
    {
        var options = new SipServerOptions();
        typeof(SipServerOptions).GetProperty(name)!.SetValue(options, value);
        Assert.That(() => options.ApplyStackSettings(new SipEndpointOptions()),
            Throws.InvalidOperationException.With.Message.StartsWith($"Sip:{name} = {value} is out of range"));
    }

    [Test]
    public void User_agent_settings_are_checked_and_copied()
    {
        var ua = new Telephony.Sip.UserAgent.SipUserAgentOptions();
        new SipServerOptions { MaxCalls = 30, Product = "Hotline" }.ApplyUserAgentSettings(ua);
        Assert.That((ua.MaxCalls, ua.Product), Is.EqualTo((30, "Hotline")));
        Assert.That(() => new SipServerOptions { MaxCalls = 0 }.ApplyUserAgentSettings(ua),
            Throws.InvalidOperationException.With.Message.StartsWith("Sip:MaxCalls = 0 is out of range"));
        Assert.That(() => new SipServerOptions { Product = "Evil\r\nX-Injected: 1" }.ApplyUserAgentSettings(ua),
            Throws.InvalidOperationException.With.Message.StartsWith("Sip:Product"));
    }

    [Test]
    public void Server_refuses_to_start_with_a_bad_timer()
    {
        var error = Assert.CatchAsync(async () =>
        {
            await using var server = new SipServerFixture(settings: new Dictionary<string, string> { ["Sip:T1"] = "0" });
            await Task.CompletedTask;
        });
        Assert.That(error!.ToString(), Does.Contain("Sip:T1 = 0 is out of range"));
    }
}
