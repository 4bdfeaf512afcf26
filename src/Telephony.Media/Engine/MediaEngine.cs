using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Audio;
using Telephony.Media.Clock;
using Telephony.Media.Codecs;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;
using Telephony.Media.Rtp.Linux;

namespace Telephony.Media;

/// <summary>
/// The process's media resources shared by every call leg: the one media clock (20 ms ticks for every
/// sender, player, mixer and recorder), the RTP port pool, the optional RTP receive loop, the
/// decoded-prompt cache and the codec registry. One per process (server, softphone, load generator);
/// a host wraps it in its own lifetime (<see cref="Start"/> at start-up, <see cref="DisposeAsync"/> at the end).
/// </summary>
public sealed class MediaEngine : IAsyncDisposable
{
    private int _disposed;

    /// <summary>Creates the engine; throws naming the setting when <paramref name="options"/> are out of range.</summary>
    public MediaEngine(MediaEngineOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        loggers ??= NullLoggerFactory.Instance;
        Options = options;
        Time = time ?? TimeProvider.System;
        int threads = options.ReceiveThreads == -1 ? Math.Max(1, Environment.ProcessorCount / 2) : options.ReceiveThreads;
        var loopLogger = loggers.CreateLogger<RtpReceiveLoop>();
        if (threads > 0 && RtpReceiveLoop.IsSupported)
        {
            ReceiveLoop = new RtpReceiveLoop(threads, loopLogger, options.RealtimePriority);
        }
        else if (threads > 0)
        {
            RtpLog.ReceiveLoopUnsupported(loopLogger);
        }
        Ports = new RtpPortPool(options.BindAddress, options.PortMin, options.PortMax);
        SdpAddress = options.MediaAddress
            ?? (options.BindAddress.Equals(IPAddress.Any) || options.BindAddress.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : options.BindAddress);
        Clock = new MediaClock(Time, loggers.CreateLogger<MediaClock>()) { RealtimePriority = options.RealtimePriority };
    }

    /// <summary>The settings the engine was made from.</summary>
    public MediaEngineOptions Options { get; }

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

    /// <summary>Clock for timestamps and the legs' sessions (a fake one in tests).</summary>
    public TimeProvider Time { get; }

    /// <summary>Starts the media clock.</summary>
    public void Start() => Clock.Start();

    /// <inheritdoc />
    /// <remarks>Idempotent: a host may dispose the engine both as itself and as its hosted-service wrapper.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Clock.DisposeAsync().ConfigureAwait(false);
            ReceiveLoop?.Dispose(); // sessions still registered are released at once
        }
    }
}
