namespace Telephony.Interop.Tests.Media;

/// <summary>
/// A test UAS on our stack: our SIP user agent (OS-assigned UDP port) answers each incoming call with
/// a softphone-style <see cref="MediaLeg"/> (RTP session from the engine's port pool, G.711, RFC 4733
/// receive, jitter-buffered decoding) on one <see cref="MediaEngine"/>.
/// </summary>
internal sealed class MediaUas : IAsyncDisposable
{
    private readonly List<MediaLeg> _media = [];

    private MediaUas(SipUserAgent ua, MediaEngine engine)
    {
        UserAgent = ua;
        Engine = engine;
    }

    public SipUserAgent UserAgent { get; }

    public MediaEngine Engine { get; }

    public int SipPort => UserAgent.Endpoint.LocalEndPoints.First().EndPoint.Port;

    /// <summary>Starts the UA and the media engine; RTP ports come from <paramref name="rtpMin"/>–<paramref name="rtpMax"/>.</summary>
    public static async Task<MediaUas> StartAsync(int rtpMin, int rtpMax)
    {
        var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:echo@127.0.0.1" });
        var engine = new MediaEngine(new MediaEngineOptions { PortMin = rtpMin, PortMax = rtpMax });
        engine.Start();
        return new MediaUas(ua, engine);
    }

    /// <summary>
    /// Takes the next incoming call, answers it with our SDP and starts its media: <paramref name="send"/> is
    /// what we send, <paramref name="heard"/> gets every decoded 20 ms frame we receive.
    /// </summary>
    public async Task<(SipCall Call, MediaLeg Media)> AnswerNextAsync(IAudioSource? send, IAudioSink? heard, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var call = await UserAgent.IncomingCalls.ReadAsync(cts.Token);
        var media = MediaLeg.Open(Engine, MediaLegOptions.Softphone, out var error) ?? throw new InvalidOperationException(error);
        _media.Add(media);
        var answer = media.AnswerOffer(call.RemoteSdp);
        if (!answer.Success)
        {
            throw new InvalidOperationException($"no usable offer: {answer.Error}");
        }
        await call.AcceptAsync(MediaLeg.Body(answer));
        await BaresipInteropTests.NextAsync<CallEstablished>(call);
        media.HearInto(heard);
        _ = media.Play(send);
        return (call, media);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _media)
        {
            await m.DisposeAsync();
        }
        await UserAgent.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
