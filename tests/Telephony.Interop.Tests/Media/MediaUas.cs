using System.Net;
using System.Text;
using Telephony.Interop.Tests.Sip;
using Telephony.Media;
using Telephony.Media.Clock;
using Telephony.Media.Ports;
using Telephony.Sip.UserAgent;
using Telephony.Softphone.Core.Media;

namespace Telephony.Interop.Tests.Media;

/// <summary>
/// A test UAS on our stack: our SIP user agent (OS-assigned UDP port) answers each incoming call with
/// SDP offer/answer from the media engine and runs the call's audio through a <see cref="CallMedia"/>
/// (RTP session from a port pool, G.711, RFC 4733 receive, jitter-buffered decoding) on one media clock.
/// </summary>
internal sealed class MediaUas : IAsyncDisposable
{
    private readonly List<CallMedia> _media = [];

    private MediaUas(SipUserAgent ua, RtpPortPool pool, MediaClock clock)
    {
        UserAgent = ua;
        Pool = pool;
        Clock = clock;
    }

    public SipUserAgent UserAgent { get; }

    public RtpPortPool Pool { get; }

    public MediaClock Clock { get; }

    public int SipPort => UserAgent.Endpoint.LocalEndPoints.First().EndPoint.Port;

    /// <summary>Starts the UA and the clock; RTP ports come from <paramref name="rtpMin"/>–<paramref name="rtpMax"/>.</summary>
    public static async Task<MediaUas> StartAsync(int rtpMin, int rtpMax)
    {
        var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:echo@127.0.0.1" });
        var clock = new MediaClock();
        clock.Start();
        return new MediaUas(ua, new RtpPortPool(IPAddress.Loopback, rtpMin, rtpMax), clock);
    }

    /// <summary>
    /// Takes the next incoming call, answers it with our SDP and starts its media: <paramref name="send"/> is
    /// what we send, <paramref name="heard"/> gets every decoded 20 ms frame we receive.
    /// </summary>
    public async Task<(SipCall Call, CallMedia Media)> AnswerNextAsync(IAudioSource? send, IAudioSink? heard, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var call = await UserAgent.IncomingCalls.ReadAsync(cts.Token);
        var media = CallMedia.Open(Pool, Clock, null, out var error) ?? throw new InvalidOperationException(error);
        _media.Add(media);
        var answer = media.TryAnswer(Encoding.UTF8.GetString(call.RemoteSdp.Span), out error)
            ?? throw new InvalidOperationException($"no usable offer: {error}");
        await call.AcceptAsync(answer);
        await BaresipInteropTests.NextAsync<CallEstablished>(call);
        media.Start(send, heard);
        return (call, media);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _media)
        {
            await m.DisposeAsync();
        }
        await UserAgent.DisposeAsync();
        await Clock.DisposeAsync();
    }
}
