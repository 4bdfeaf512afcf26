using Telephony.Softphone.Cli;

namespace Telephony.Interop.Tests.Softphone;

public sealed class CommandLineTests
{
    [Test]
    public void The_documented_command_line_parses()
    {
        var o = CommandLine.Parse(["--server", "127.0.0.1:5060", "--http", "http://127.0.0.1:5080", "--seat", "1001", "--user", "agent1001",
            "--password", "demo-agent-1001", "--sip-password", "demo-xo2jqTquvx", "--auto-answer", "--play", "mic.wav", "--record", "heard.wav"], out var error);
        Assert.That(error, Is.Null);
        Assert.That((o!.SipServer, o.Http!.ToString(), o.Seat, o.User, o.SipPassword, o.AutoAnswer, o.PlayFile, o.RecordFile),
            Is.EqualTo(("127.0.0.1:5060", "http://127.0.0.1:5080/", "1001", "agent1001", "demo-xo2jqTquvx", (TimeSpan?)TimeSpan.Zero, "mic.wav", "heard.wav")));
        Assert.That(CommandLine.Parse(["--seat", "1001", "--no-hub", "--sip-password", "x", "--auto-answer", "250"], out _)!.AutoAnswer,
            Is.EqualTo(TimeSpan.FromMilliseconds(250)));
    }

    [TestCase(new[] { "--user", "a", "--password", "b" }, "--seat")]
    [TestCase(new[] { "--seat", "10x1", "--user", "a", "--password", "b" }, "--seat")]
    [TestCase(new[] { "--seat", "1001" }, "--user and --password")]
    [TestCase(new[] { "--seat", "1001", "--bogus" }, "unknown option --bogus")]
    [TestCase(new[] { "--seat" }, "--seat needs a value")]
    [TestCase(new[] { "--seat", "1001", "--http", "not a url", "--user", "a", "--password", "b" }, "URI")]
    public void Bad_command_lines_get_a_clear_error(string[] args, string expected)
    {
        Assert.That(CommandLine.Parse(args, out var error), Is.Null);
        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public void Recordings_of_later_calls_get_numbered_names() =>
        Assert.That(new[] { Telephony.Softphone.Core.AgentClient.RecordingPath("out/heard.wav", 1), Telephony.Softphone.Core.AgentClient.RecordingPath("out/heard.wav", 3) },
            Is.EqualTo(new[] { "out/heard.wav", Path.Combine("out", "heard-3.wav") }));
}
