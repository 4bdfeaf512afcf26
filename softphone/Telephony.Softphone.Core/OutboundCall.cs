using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media;
using Telephony.Media.Legs;
using Telephony.Sip.UserAgent;

namespace Telephony.Softphone.Core;

/// <summary>
/// A call we place with our own UA and media: INVITE with a G.711 + telephone-event offer, media
/// started on the 2xx, RFC 4733 key presses, hang-up. Used by the load generator's callers and by
/// the tests that call a softphone.
/// </summary>
public sealed class OutboundCall : IAsyncDisposable
{
    private readonly TaskCompletionSource<bool> _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IAudioSource? _microphone;
    private readonly IAudioSink? _heard;
    private Task? _pump;

    private OutboundCall(SipCall call, MediaLeg media, IAudioSource? microphone, IAudioSink? heard, DateTimeOffset sentAt)
    {
        Call = call;
        Media = media;
        _microphone = microphone;
        _heard = heard;
        InviteSentAt = sentAt;
    }

    /// <summary>The SIP call.</summary>
    public SipCall Call { get; }

    /// <summary>Its media.</summary>
    public MediaLeg Media { get; }

    /// <summary>When the INVITE left.</summary>
    public DateTimeOffset InviteSentAt { get; }

    /// <summary>When the 2xx arrived (null before, or when the call failed).</summary>
    public DateTimeOffset? EstablishedAt { get; private set; }

    /// <summary>Why it ended, once it did.</summary>
    public CallEnded? Ended { get; private set; }

    /// <summary>Completes true when the call is up, false when it failed before.</summary>
    public Task<bool> Established => _established.Task;

    /// <summary>
    /// Places a call to <paramref name="target"/> (e.g. <c>sip:12345@127.0.0.1:5060</c>). Returns at once; await
    /// <see cref="Established"/>. Null with <paramref name="error"/> when no RTP port is free. The leg's ports and
    /// clock come from <paramref name="media"/> (started by its owner).
    /// </summary>
    public static async Task<(OutboundCall? Call, string? Error)> DialAsync(SipUserAgent ua, string target, MediaEngine media,
        IAudioSource? microphone, IAudioSink? heard, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ua);
        var leg = MediaLeg.Open(media, MediaLegOptions.Softphone with { Logger = logger ?? NullLogger.Instance }, out string? error);
        if (leg is null)
        {
            return (null, error);
        }
        try
        {
            var sentAt = DateTimeOffset.UtcNow;
            var call = await ua.CallAsync(target, leg.CreateOffer(), null, null, ct).ConfigureAwait(false);
            var outbound = new OutboundCall(call, leg, microphone, heard, sentAt);
            outbound._pump = outbound.PumpAsync();
            return (outbound, null);
        }
        catch
        {
            await leg.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var e in Call.Events.ReadAllAsync().ConfigureAwait(false))
        {
            switch (e)
            {
                case CallEstablished up:
                    EstablishedAt = DateTimeOffset.UtcNow;
                    if (Media.AcceptAnswer(up.RemoteSdp).Success)
                    {
                        Media.HearInto(_heard);
                        _ = Media.Play(_microphone);
                        _established.TrySetResult(true);
                    }
                    else
                    {
                        _established.TrySetResult(false);
                        await Call.HangupAsync().ConfigureAwait(false);
                    }
                    break;
                case CallEnded ended:
                    Ended = ended;
                    _established.TrySetResult(false);
                    return;
            }
        }
        _established.TrySetResult(false);
    }

    /// <summary>Presses a key (RFC 4733 in the RTP stream).</summary>
    public bool SendDigit(char digit, int durationMs = 160) => Media.SendDigit(digit, durationMs);

    /// <summary>Hangs up (BYE, or CANCEL while ringing).</summary>
    public Task HangupAsync() => Call.HangupAsync();

    /// <summary>Hangs up if still up and frees the media.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Call.State != CallState.Ended)
        {
            try
            {
                await Call.HangupAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
            }
        }
        if (_pump is not null)
        {
            await Task.WhenAny(_pump, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
        await Media.DisposeAsync().ConfigureAwait(false);
    }
}
