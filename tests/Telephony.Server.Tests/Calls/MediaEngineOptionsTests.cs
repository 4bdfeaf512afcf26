using Telephony.Media.Rtp.Linux;

namespace Telephony.Server.Tests.Calls;

/// <summary>The <c>Calls</c> media settings: validated at start with the key named, and handed to the media engine as they are.</summary>
public class MediaEngineOptionsTests
{
    private static MediaEngine Create(CallManagerOptions options) => new(options.ToMediaEngineOptions(), TimeProvider.System);

    [Test]
    public async Task By_default_calls_receive_RTP_through_the_loop_where_the_platform_has_it()
    {
        await using var engine = Create(new CallManagerOptions { RtpPortMin = 16900, RtpPortMax = 16919 });
        if (RtpReceiveLoop.IsSupported)
        {
            Assert.That(engine.ReceiveLoop, Is.Not.Null);
            Assert.That(engine.ReceiveLoop!.Threads, Is.EqualTo(Math.Max(1, Environment.ProcessorCount / 2)));
        }
        else
        {
            Assert.That(engine.ReceiveLoop, Is.Null);
        }
    }

    [Test]
    public async Task Zero_receive_threads_keeps_async_receives()
    {
        await using var engine = Create(new CallManagerOptions { RtpReceiveThreads = 0, RtpPortMin = 16920, RtpPortMax = 16939 });
        Assert.That(engine.ReceiveLoop, Is.Null);
    }

    [TestCase(-2, 50, "Calls:RtpReceiveThreads")]
    [TestCase(65, 50, "Calls:RtpReceiveThreads")]
    [TestCase(1, -1, "Calls:RtpRealtimePriority")]
    [TestCase(1, 100, "Calls:RtpRealtimePriority")]
    public void Out_of_range_settings_are_named(int threads, int priority, string named)
    {
        var errors = new CallManagerOptions { RtpReceiveThreads = threads, RtpRealtimePriority = priority }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith(named + " = "));
    }

    [Test]
    public void Defaults_are_valid_and_bad_addresses_and_ports_are_named()
    {
        Assert.That(new CallManagerOptions().Validate(), Is.Empty);
        var errors = new CallManagerOptions { RtpBindAddress = "not-an-ip", RtpPortMin = 20001, RtpPortMax = 20000, PopLeadMilliseconds = -1 }.Validate().ToList();
        Assert.That(errors.Select(e => e.Split(' ')[0]), Is.EquivalentTo(new[] { "Calls:RtpBindAddress", "Calls:RtpPortMin", "Calls:RtpPortMax", "Calls:PopLeadMilliseconds" }));
    }
}
