using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Clock;
using Telephony.Media.Rtp.Linux;
using Telephony.Calls;
using Telephony.Calls.Legs;
using Telephony.Server.Calls;

namespace Telephony.Server.Tests.Calls;

public class MediaEngineOptionsTests
{
    private static MediaEngine Create(CallManagerOptions options) =>
        new(options, TimeProvider.System, NullLogger<MediaClock>.Instance, NullLogger<RtpReceiveLoop>.Instance);

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
    public void Out_of_range_settings_stop_the_start_with_the_setting_named(int threads, int priority, string named)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new CallManagerOptions { RtpReceiveThreads = threads, RtpRealtimePriority = priority }));
        Assert.That(e!.Message, Does.Contain(named));
    }
}
