namespace Telephony.Interop.Tests.Sip;

/// <summary>sipsak and the sipvicious attack tools against our server.</summary>
[NonParallelizable]
public sealed class ToolInteropTests
{
    private static async Task<PeerProcess> RunAsync(string tool, string arguments, int seconds)
    {
        // timeout -s INT lets the python tools print their summary; env keeps their stdout unbuffered.
        var args = new List<string> { "-s", "INT", "-k", "5", seconds.ToString(CultureInfo.InvariantCulture), "env", "PYTHONUNBUFFERED=1", tool };
        args.AddRange(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var process = PeerProcess.Start("timeout", args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(seconds + 10));
        return process;
    }

    [TestCase("udp", 25200)]
    [TestCase("tcp", 25202)]
    [CancelAfter(30_000)]
    public async Task Sipsak_options_is_answered(string transport, int localPort)
    {
        await using var server = await InteropServer.StartAsync();
        var port = server.Port(transport == "tcp" ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp);
        using var sipsak = await RunAsync("sipsak", $"-s sip:ping@127.0.0.1:{port} -l {localPort} -E {transport} -vv", 10);
        Assert.That(sipsak.Output, Does.Contain("SIP/2.0 200 OK"));
        Assert.That(sipsak.Output, Does.Contain("Allow:"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Svwar_finds_no_extensions()
    {
        await using var server = await InteropServer.StartAsync();
        var port = server.Port(SipTransportProtocol.Udp);
        using var svwar = await RunAsync("svwar", $"-e1000-1100 -m REGISTER --force -p {port} 127.0.0.1", 60);
        TestContext.Out.WriteLine(svwar.Output);
        Assert.That(svwar.Output, Does.Contain("found nothing"), "svwar must not tell the seats apart");
        Assert.That(svwar.Output, Does.Not.Contain("| Extension"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Svcrack_is_banned_before_it_finds_a_weak_password()
    {
        await using var server = await InteropServer.StartAsync();
        var port = server.Port(SipTransportProtocol.Udp);
        using var svcrack = await RunAsync("svcrack", $"-u 1001 -r 0-9999 -z 4 -p {port} 127.0.0.1", 15);
        TestContext.Out.WriteLine(svcrack.Output);
        Assert.That(svcrack.Output, Does.Not.Contain(InteropServer.Password1001), "the password was cracked");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Control_without_the_ban_svcrack_finds_the_weak_password()
    {
        // Shows the test above can fail: the same attack with the limiter effectively off succeeds.
        await using var server = await InteropServer.StartAsync(authMaxFailures: 1_000_000);
        var port = server.Port(SipTransportProtocol.Udp);
        using var svcrack = await RunAsync("svcrack", $"-u 1001 -r 0-9999 -z 4 -p {port} 127.0.0.1", 40);
        TestContext.Out.WriteLine(svcrack.Output);
        Assert.That(svcrack.Output, Does.Contain(InteropServer.Password1001));
    }
}
