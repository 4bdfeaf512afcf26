using System.Collections.Concurrent;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Legs;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.LoadGen.Callbacks;

/// <summary>What the carrier side saw of the calls to one citizen number.</summary>
internal sealed class CitizenLine
{
    public int Invites;
    public DateTimeOffset? FirstRangAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>
/// The carrier behind <c>Trunks:OutboundUri</c> (<c>sip:{number}@127.0.0.1:PORT</c>): every citizen's phone, one UA.
/// It answers each INVITE after a ring, with G.711 RTP (a tone as the voice), talks, and hangs up as the citizen.
/// </summary>
internal sealed class CarrierPhones(SipUserAgent ua, MediaEngine media, TimeSpan ring, TimeSpan talk) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, CitizenLine> _lines = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public IReadOnlyDictionary<string, CitizenLine> Lines => _lines;

    public static async Task<CarrierPhones> StartAsync(string listen, MediaEngine media, TimeSpan ring, TimeSpan talk)
    {
        var ua = await SipUserAgent.StartAsync(listen, new SipUserAgentOptions { LocalUri = "sip:carrier@127.0.0.1", Product = "Telephony-LoadGen-Carrier", MaxCalls = 1024 }).ConfigureAwait(false);
        var carrier = new CarrierPhones(ua, media, ring, talk);
        carrier._loop = carrier.AcceptAsync();
        return carrier;
    }

    private async Task AcceptAsync()
    {
        try
        {
            await foreach (var call in ua.IncomingCalls.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                _ = AnswerAsync(call);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnswerAsync(SipCall call)
    {
        var number = call.Invite.RequestUri is SipUri uri ? uri.User ?? "?" : "?";
        var line = _lines.GetOrAdd(number, _ => new CitizenLine());
        Interlocked.Increment(ref line.Invites);
        var leg = MediaLeg.Open(media, MediaLegOptions.Softphone, out _);
        try
        {
            if (leg is null)
            {
                await call.RejectAsync(503, "No Media Ports").ConfigureAwait(false);
                return;
            }
            var offered = leg.AnswerOffer(call.RemoteSdp);
            if (!offered.Success)
            {
                await call.RejectAsync(488, "Not Acceptable Here").ConfigureAwait(false);
                return;
            }
            await call.RingAsync().ConfigureAwait(false);
            line.FirstRangAt ??= DateTimeOffset.UtcNow;
            await Task.WhenAny(Task.Delay(ring), call.Completion).ConfigureAwait(false);
            if (call.State == CallState.Ended)
                return;
            await call.AcceptAsync(MediaLeg.Body(offered)).ConfigureAwait(false);
            line.AnsweredAt ??= DateTimeOffset.UtcNow;
            _ = leg.Play(Tones.Continuous(1300, 6000));
            await Task.WhenAny(Task.Delay(talk), call.Completion).ConfigureAwait(false);
            if (call.State != CallState.Ended)
                await call.HangupAsync().ConfigureAwait(false);
            line.EndedAt = DateTimeOffset.UtcNow;
        }
#pragma warning disable CA1031 // one citizen's failure is counted, not fatal
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            if (leg is not null)
                await leg.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        await ua.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
