using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Sip.UserAgent;
using Telephony.Softphone.Core;

namespace Telephony.LoadGen.Day;

/// <summary>
/// A citizen's phone dialling the service number: its own UA (one UDP socket), G.711 RTP with a tone as the voice,
/// the INVITE, and the wait for the system's answer, noted on the call's record (sent, answered, refused for capacity).
/// </summary>
internal sealed class CitizenDial : IAsyncDisposable
{
    private readonly SipUserAgent _ua;

    private CitizenDial(SipUserAgent ua, OutboundCall? call)
    {
        _ua = ua;
        Call = call;
    }

    /// <summary>The call; null when no RTP port was free.</summary>
    public OutboundCall? Call { get; }

    /// <summary>The system answered (the call is offered).</summary>
    public bool Up { get; private set; }

    /// <summary>
    /// Dials, holds the <paramref name="conversation"/> once the system answered, and whatever happens notes the end
    /// (a failure too), frees the phone and runs <paramref name="done"/>.
    /// </summary>
    public static async Task RunAsync(DayCall rec, DayOptions o, MediaEngine media, double toneHz, Func<OutboundCall, Task> conversation, Action done)
    {
        CitizenDial? dial = null;
        try
        {
            dial = await DialAsync(rec, o, media, toneHz).ConfigureAwait(false);
            if (dial.Call is { } call && dial.Up)
                await conversation(call).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // one call's failure is counted, not fatal
        catch (Exception e)
#pragma warning restore CA1031
        {
            rec.Failure = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            rec.EndedAt = DateTimeOffset.UtcNow;
            if (dial is not null)
                await dial.DisposeAsync().ConfigureAwait(false);
            done();
        }
    }

    public static async Task<CitizenDial> DialAsync(DayCall rec, DayOptions o, MediaEngine media, double toneHz)
    {
        var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = $"sip:{rec.Number}@127.0.0.1", Product = "Telephony-LoadGen" }).ConfigureAwait(false);
        var (call, error) = await OutboundCall.DialAsync(ua, $"sip:{o.Number}@{o.Server}", media, Tones.Continuous(toneHz, 6000), null).ConfigureAwait(false);
        var dial = new CitizenDial(ua, call);
        if (call is null)
        {
            rec.Failure = $"no caller RTP port: {error}";
            return dial;
        }
        rec.InviteSentAt = call.InviteSentAt;
        try
        {
            dial.Up = await call.Established.WaitAsync(TimeSpan.FromSeconds(o.TimeoutSeconds)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            rec.Failure = $"no answer from the server within {o.TimeoutSeconds} s";
            return dial;
        }
        if (!dial.Up)
        {
            rec.Refused = call.Ended?.StatusCode == 503;
            rec.Failure = $"not answered by the server: {call.Ended?.StatusCode} {call.Ended?.Detail}".TrimEnd();
            return dial;
        }
        rec.EstablishedAt = call.EstablishedAt;
        return dial;
    }

    public async ValueTask DisposeAsync()
    {
        if (Call is not null)
            await Call.DisposeAsync().ConfigureAwait(false);
        await _ua.DisposeAsync().ConfigureAwait(false);
    }
}
