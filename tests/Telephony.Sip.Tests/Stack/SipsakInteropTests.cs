using System.Diagnostics;

namespace Telephony.Sip.Tests.Stack;

/// <summary>A real third-party client (sipsak, Debian) pings our endpoint with OPTIONS over UDP and TCP.</summary>
[CancelAfter(30_000)]
public class SipsakInteropTests
{
    [TestCase("udp", SipTransportProtocol.Udp)]
    [TestCase("tcp", SipTransportProtocol.Tcp)]
    public async Task Sipsak_options_ping_gets_our_200(string transport, SipTransportProtocol protocol)
    {
        Assert.That(File.Exists("/usr/bin/sipsak"), Is.True, "sipsak must be installed (see .ci/run)");
        var user = new AnsweringUser();
        await using var server = await StartEndpointAsync(user);
        var port = server.Local(protocol).Port;
        var psi = new ProcessStartInfo("/usr/bin/sipsak")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-vv", "-E", transport, "-s", $"sip:ping@127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        var text = await output + await errors;
        Assert.That(process.ExitCode, Is.Zero, text);
        Assert.That(text, Does.Contain("200 OK"), text);
        Assert.That(user.Requests.Single().Request.Method, Is.EqualTo("OPTIONS"));
    }
}
