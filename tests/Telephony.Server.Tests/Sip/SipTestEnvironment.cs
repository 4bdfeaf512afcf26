namespace Telephony.Server.Tests;

/// <summary>
/// Every in-process server in this test assembly listens for SIP on OS-assigned loopback ports,
/// never on the default 0.0.0.0:5060 (which could clash with other test runs on the machine).
/// </summary>
[SetUpFixture]
public sealed class SipTestEnvironment
{
    [OneTimeSetUp]
    public void UseEphemeralSipPorts()
    {
        Environment.SetEnvironmentVariable("Sip__Udp", "127.0.0.1:0");
        Environment.SetEnvironmentVariable("Sip__Tcp", "127.0.0.1:0");
    }
}
