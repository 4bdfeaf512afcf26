using System.Text;
using System.Threading.Channels;
using NAudio.Wave;
using Telephony.ContactCenter.Seats;
using Telephony.Interop.Tests.Sip;
using Telephony.Interop.Tests.Softphone;
using Telephony.Softphone.Core;
using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// The first real call with two programs at the ends: baresip (a softphone we did not write) dials
/// 12345 and presses 9 as RFC 4733; our agent softphone gets the pop before the INVITE, answers;
/// tones pass both ways, the server records caller left / agent right, the seat ends Ready.
/// Ports (Interop ranges): baresip SIP 25900 (+1 TLS), cons 25903, RTP 26900-26909; softphone RTP 26700-26799.
/// </summary>
[NonParallelizable]
public sealed class BaresipToSoftphoneTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1000;

    [Test]
    [CancelAfter(90_000)]
    public async Task Baresip_dials_12345_presses_9_and_talks_to_the_english_softphone(CancellationToken ct)
    {
        await using var server = new SoftphoneServer();
        var dir = Directory.CreateTempSubdirectory("callmgr-interop-").FullName;
        try
        {
            string agentMic = Path.Combine(dir, "agent-mic.wav"), agentHeard = Path.Combine(dir, "agent-heard.wav");
            AudioCheck.WriteTone(agentMic, AgentHz, 30);
            var options = server.Agent("1049", rtpBase: 26700);
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = agentMic;
            options.RecordFile = agentHeard;
            await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);

            var bsDir = Path.Combine(dir, "baresip");
            Directory.CreateDirectory(bsDir);
            AudioCheck.WriteTone(Path.Combine(bsDir, "mic.wav"), CallerHz, 70);
            File.WriteAllText(Path.Combine(bsDir, "config"), new StringBuilder()
                .AppendLine("sip_listen 127.0.0.1:25900")
                .AppendLine("net_interface 127.0.0.1")
                .AppendLine($"audio_source aufile,{Path.Combine(bsDir, "mic.wav")}")
                .AppendLine("audio_player alsa,null")
                .AppendLine("audio_alert alsa,null")
                .AppendLine("rtp_ports 26900-26909")
                .AppendLine("module_path /usr/lib/baresip/modules")
                .AppendLine("module g711.so")
                .AppendLine("module aufile.so")
                .AppendLine("module alsa.so")
                .AppendLine("module sndfile.so")
                .AppendLine("module cons.so")
                .AppendLine("module_app account.so")
                .AppendLine("module_app menu.so")
                .AppendLine("cons_listen 127.0.0.1:25903")
                .AppendLine($"snd_path {bsDir}")
                .ToString());
            File.WriteAllText(Path.Combine(bsDir, "accounts"), "<sip:15500000002@127.0.0.1:25900>;regint=0;audio_codecs=PCMA,PCMU\n");
            using var baresip = PeerProcess.Start("baresip", ["-f", bsDir, "-t", "60", "-e", $"/dial sip:12345@127.0.0.1:{server.SipPort}"], bsDir);
            Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
            await Task.Delay(500, ct);
            await SendAsync("/sndcode 9");

            var pop = (await NextAsync<ScreenPopEvent>(agent.Events, TimeSpan.FromSeconds(30), ct)).Pop;
            Assert.That((pop.DialedNumber, pop.Language, pop.Queue, pop.IvrDigits), Is.EqualTo(("12345", "en", "english", "9")));
            Assert.That(pop.IvrPath, Has.Some.Contains("english"));
            var timing = (await NextAsync<PopTimingEvent>(agent.Events, TimeSpan.FromSeconds(15), ct)).Timing;
            Assert.That(timing.PopToInviteLead, Is.GreaterThan(TimeSpan.Zero), "the pop came before the INVITE");
            await NextAsync<ConnectedEvent>(agent.Events, TimeSpan.FromSeconds(15), ct);
            await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
            await SendAsync("/hangup");
            var finished = await NextAsync<CallFinishedEvent>(agent.Events, TimeSpan.FromSeconds(15), ct);
            Assert.That(finished.Reason, Is.EqualTo("caller hung up"));

            // Audio both ways: the softphone heard baresip's tone, baresip heard the softphone's.
            var heardByAgent = AudioCheck.Audible(AudioCheck.ReadSamples(agentHeard));
            Assert.That(heardByAgent, Has.Length.GreaterThan(4000));
            Assert.That(AudioCheck.DominantFrequency(heardByAgent), Is.EqualTo(CallerHz).Within(20));
            var dump = Directory.GetFiles(bsDir, "*dec*.wav").Single();
            var heardByCaller = AudioCheck.ReadSamples(dump);
            var end = AudioCheck.Audible(heardByCaller[Math.Max(0, heardByCaller.Length - 14000)..Math.Max(0, heardByCaller.Length - 2000)]);
            Assert.That(end, Has.Length.GreaterThan(4000), "baresip heard the agent at the end of the call");
            Assert.That(AudioCheck.DominantFrequency(end), Is.EqualTo(AgentHz).Within(25));

            // The server's stereo recording: caller left, agent right.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            string? wavPath;
            while ((wavPath = Directory.Exists(server.Recordings) ? Directory.GetFiles(server.Recordings, "*.wav").FirstOrDefault() : null) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            Assert.That(wavPath, Is.Not.Null, "a recording exists");
            var (left, right) = ReadStereo(wavPath!);
            Assert.That(AudioCheck.DominantFrequency(AudioCheck.Audible(left)), Is.EqualTo(CallerHz).Within(20), "left = caller");
            Assert.That(AudioCheck.DominantFrequency(AudioCheck.Audible(right)), Is.EqualTo(AgentHz).Within(25), "right = agent");

            deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await server.Acd.Store.GetSeatAsync("1049", ct))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            var history = (await server.Acd.Store.GetHistoryAsync("1049", ct)).Select(t => t.To).ToList();
            Assert.That(history.Skip(history.IndexOf(SeatState.Reserved)),
                Is.EqualTo(new[] { SeatState.Reserved, SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp, SeatState.Ready }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task SendAsync(string command)
    {
        using var udp = new System.Net.Sockets.UdpClient();
        var bytes = Encoding.ASCII.GetBytes(command + "\n");
        await udp.SendAsync(bytes, bytes.Length, "127.0.0.1", 25903);
    }

    private static (short[] Left, short[] Right) ReadStereo(string path)
    {
        using var wav = new WaveFileReader(path);
        Assert.That(wav.WaveFormat.Channels, Is.EqualTo(2));
        var bytes = new byte[wav.Length];
        int frames = wav.Read(bytes, 0, bytes.Length) / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (int i = 0; i < frames; i++)
        {
            left[i] = BitConverter.ToInt16(bytes, i * 4);
            right[i] = BitConverter.ToInt16(bytes, (i * 4) + 2);
        }
        return (left, right);
    }

    private static async Task<T> NextAsync<T>(ChannelReader<AgentEvent> events, TimeSpan timeout, CancellationToken ct) where T : AgentEvent
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            if (await events.ReadAsync(cts.Token) is T wanted)
            {
                return wanted;
            }
        }
    }
}
