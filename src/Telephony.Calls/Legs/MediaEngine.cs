using Microsoft.Extensions.Logging;
using System.Net;
using Telephony.Media.Audio;
using Telephony.Media.Clock;
using Telephony.Media.Codecs;
using Telephony.Media.Ports;
using Telephony.Media.Rtp.Linux;

namespace Telephony.Calls.Legs;

/// <summary>
/// The process's media resources shared by every call: the one media clock (20 ms ticks for every
/// player and recorder), the RTP port pool, the RTP receive loop, the decoded-prompt cache and the
/// codec registry.
/// </summary>
public sealed class MediaEngine : IAsyncDisposable
{
    /// <summary>Creates the engine from the call manager's options.</summary>
    public MediaEngine(CallManagerOptions options, TimeProvider time, ILogger<MediaClock> clockLogger, ILogger<RtpReceiveLoop> loopLogger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RtpReceiveThreads is < -1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RtpReceiveThreads, "Calls:RtpReceiveThreads must be -1 (half the cores), 0 (async sockets) or 1-64");
        }

        if (options.RtpRealtimePriority is < 0 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RtpRealtimePriority, "Calls:RtpRealtimePriority must be 0 (normal scheduling) or 1-99 (SCHED_FIFO)");
        }

        int threads = options.RtpReceiveThreads == -1 ? Math.Max(1, Environment.ProcessorCount / 2) : options.RtpReceiveThreads;
        if (threads > 0 && RtpReceiveLoop.IsSupported)
        {
            ReceiveLoop = new RtpReceiveLoop(threads, loopLogger, options.RtpRealtimePriority);
        }
        else if (threads > 0)
        {
            loopLogger.LogInformation("RTP receive loop needs 64-bit Linux: sessions use async socket receives");
        }

        var bind = IPAddress.Parse(options.RtpBindAddress);
        Ports = new RtpPortPool(bind, options.RtpPortMin, options.RtpPortMax);
        SdpAddress = options.MediaAddress is { Length: > 0 } m ? IPAddress.Parse(m)
            : bind.Equals(IPAddress.Any) ? IPAddress.Loopback : bind;
        Clock = new MediaClock(time, clockLogger) { RealtimePriority = options.RtpRealtimePriority };
        Time = time;
    }

    /// <summary>The one media clock.</summary>
    public MediaClock Clock { get; }

    /// <summary>RTP/RTCP port pairs.</summary>
    public RtpPortPool Ports { get; }

    /// <summary>Receives every leg's RTP/RTCP (null: async receives per socket).</summary>
    public RtpReceiveLoop? ReceiveLoop { get; }

    /// <summary>The address our SDP advertises.</summary>
    public IPAddress SdpAddress { get; }

    /// <summary>Prompts decoded once, shared by all calls.</summary>
    public PromptCache Prompts { get; } = new();

    /// <summary>Codecs by name.</summary>
    public CodecRegistry Codecs => CodecRegistry.Default;

    /// <summary>Clock for call timestamps.</summary>
    public TimeProvider Time { get; }

    /// <summary>Starts the media clock.</summary>
    public void Start() => Clock.Start();

    private int _disposed;

    /// <inheritdoc />
    /// <remarks>Idempotent: the host may dispose it more than once.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Clock.DisposeAsync().ConfigureAwait(false);
            ReceiveLoop?.Dispose(); // sessions still registered are released at once
        }
    }
}
