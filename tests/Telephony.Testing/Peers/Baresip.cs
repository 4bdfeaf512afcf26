using System.Net.Sockets;
using System.Text;
using Telephony.Testing.Audio;

namespace Telephony.Testing.Peers;

/// <summary>
/// Drives a baresip instance headless (see docs/PEERS.md): a private config folder with a
/// microphone file (silence, a given WAV, or a steady tone), one account line, the cons command
/// socket, optionally sndfile dumping what it sends and hears, and a self-quit time. The one
/// baresip driver of the tests: Interop's SIP and media tests and the call tests' real caller.
/// </summary>
public sealed class Baresip : IDisposable
{
    private readonly PeerProcess _process;

    private Baresip(string dir, int sipPort, int consPort, PeerProcess process)
    {
        Directory = dir;
        SipPort = sipPort;
        ConsPort = consPort;
        _process = process;
    }

    public string Directory { get; }

    public int SipPort { get; }

    public int ConsPort { get; }

    public PeerProcess Process => _process;

    /// <summary>
    /// Starts baresip listening on <paramref name="sipPort"/> (it also takes port+1) with one account line,
    /// quitting by itself after <paramref name="quitAfterSeconds"/>; <paramref name="commands"/> run at start (-e).
    /// </summary>
    public static Baresip Start(int sipPort, int consPort, int rtpBase, string account, int quitAfterSeconds, params string[] commands) =>
        Start(sipPort, consPort, rtpBase, account, quitAfterSeconds, microphoneWav: null, dumpAudio: false, commands);

    /// <summary>
    /// As above, with <paramref name="microphoneWav"/> (8 kHz mono s16; null = long silence) copied in as the
    /// microphone (baresip hangs up when it ends), and with <paramref name="dumpAudio"/> the sndfile module,
    /// which writes what baresip sends (*enc*.wav) and hears (*dec*.wav) into <see cref="Directory"/>.
    /// </summary>
    public static Baresip Start(int sipPort, int consPort, int rtpBase, string account, int quitAfterSeconds, string? microphoneWav, bool dumpAudio, params string[] commands) =>
        Launch(sipPort, consPort, rtpBase, rtpPorts: 20, account, quitAfterSeconds, mic =>
        {
            if (microphoneWav is null)
            {
                WriteSilenceWav(mic, seconds: quitAfterSeconds + 5);
            }
            else
            {
                File.Copy(microphoneWav, mic);
            }
        }, dumpAudio, commands);

    /// <summary>
    /// As <see cref="Start(int, int, int, string, int, string?, bool, string[])"/>, trusting <paramref name="trustedCaFile"/>
    /// (PEM, its <c>sip_cafile</c>) for TLS: an account on a <c>;transport=tls</c> registrar registers over TLS and keeps
    /// that connection, which is the one the registrar's INVITEs come back on (RFC 3261 §18.2.2, RFC 5923 reuse).
    /// The srtp module is loaded: a TLS leg's offer is SRTP with SDES keys (RFC 4568); the account's <c>mediaenc</c> says
    /// whether baresip takes it.
    /// </summary>
    public static Baresip StartTrusting(string trustedCaFile, int sipPort, int consPort, int rtpBase, string account, int quitAfterSeconds, string microphoneWav) =>
        Launch(sipPort, consPort, rtpBase, rtpPorts: 20, account, quitAfterSeconds, mic => File.Copy(microphoneWav, mic), dumpAudio: true, [],
            modules: ["srtp.so"], settings: ["sip_cafile " + trustedCaFile]);

    /// <summary>
    /// A real third-party caller: sends a steady <paramref name="toneHz"/> tone, dumps what it hears
    /// (<see cref="Heard"/>), offers PCMA and PCMU, and dials <paramref name="target"/> at once.
    /// <paramref name="mediaEncryption"/> is baresip's account mediaenc (e.g. "srtp-mand": RTP/SAVP with
    /// SDES keys, RFC 4568, through its srtp module); null for plain RTP.
    /// </summary>
    /// <param name="trustedCaFile">A PEM CA file baresip trusts for TLS (its <c>sip_cafile</c>); dial a <c>sips:</c> or
    /// <c>;transport=tls</c> target to go over TLS (baresip's TLS transport is always there, on port+1).</param>
    /// <param name="autoAnswer">It also answers calls to it by itself (a citizen the centre calls back through its trunk).</param>
    public static Baresip Dial(string target, double toneHz, int sipPort, int consPort, int rtpBase, int quitAfterSeconds, string user = "citizen",
        double toneAmplitude = 6000, string? mediaEncryption = null, string? trustedCaFile = null, bool autoAnswer = false) =>
        Launch(sipPort, consPort, rtpBase, rtpPorts: 10,
            $"<sip:{user}@127.0.0.1:{sipPort}>;regint=0;audio_codecs=PCMA,PCMU" + (mediaEncryption is null ? "" : ";mediaenc=" + mediaEncryption)
            + (autoAnswer ? ";answermode=auto" : ""), quitAfterSeconds,
            mic => Wav.WriteTone(mic, toneHz, quitAfterSeconds + 10, toneAmplitude), dumpAudio: true, ["/dial " + target],
            mediaEncryption is null ? [] : ["srtp.so"], trustedCaFile is null ? [] : ["sip_cafile " + trustedCaFile]);

    private static Baresip Launch(int sipPort, int consPort, int rtpBase, int rtpPorts, string account, int quitAfterSeconds, Action<string> writeMicrophone, bool dumpAudio, string[] commands,
        string[]? modules = null, string[]? settings = null)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("baresip-").FullName;
        var mic = Path.Combine(dir, "mic.wav");
        writeMicrophone(mic);
        var config = new StringBuilder()
            .AppendLine($"sip_listen 127.0.0.1:{sipPort}")
            .AppendLine("net_interface 127.0.0.1")
            .AppendLine($"audio_source aufile,{mic}")
            .AppendLine("audio_player alsa,null")
            .AppendLine("audio_alert alsa,null")
            .AppendLine($"rtp_ports {rtpBase}-{rtpBase + rtpPorts - 1}")
            .AppendLine("module_path /usr/lib/baresip/modules")
            .AppendLine("module g711.so")
            .AppendLine("module aufile.so")
            .AppendLine("module alsa.so")
            .AppendLine("module cons.so")
            .AppendLine("module_app account.so")
            .AppendLine("module_app menu.so")
            .AppendLine($"cons_listen 127.0.0.1:{consPort}");
        foreach (var setting in settings ?? [])
        {
            config.AppendLine(setting);
        }
        foreach (var module in modules ?? [])
        {
            config.AppendLine("module " + module);
        }
        if (dumpAudio)
        {
            config.AppendLine("module sndfile.so").AppendLine($"snd_path {dir}");
        }
        File.WriteAllText(Path.Combine(dir, "config"), config.ToString());
        File.WriteAllText(Path.Combine(dir, "accounts"), account + "\n");
        // stdbuf: baresip's stdout is block-buffered into a pipe; line buffering lets the test follow it.
        var args = new List<string> { "-oL", "-eL", "baresip", "-f", dir, "-t", quitAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var c in commands)
        {
            args.Add("-e");
            args.Add(c);
        }
        return new Baresip(dir, sipPort, consPort, PeerProcess.Start("stdbuf", args, dir));
    }

    /// <summary>Sends one command to the cons socket (e.g. "/hangup").</summary>
    public async Task CommandAsync(string command)
    {
        using var udp = new UdpClient();
        var bytes = Encoding.ASCII.GetBytes(command + "\n");
        await udp.SendAsync(bytes, bytes.Length, "127.0.0.1", ConsPort);
    }

    public Task<bool> WaitForAsync(string text, TimeSpan timeout) => _process.WaitForAsync(text, timeout);

    public string Output => _process.Output;

    /// <summary>The sndfile module's dump of what baresip heard (decoded), or null (needs dumpAudio).</summary>
    public string? HeardWav => System.IO.Directory.GetFiles(Directory, "*dec*.wav").FirstOrDefault();

    /// <summary>The samples baresip decoded from its peer (the sndfile dump), or empty (needs dumpAudio).</summary>
    public short[] Heard() => HeardWav is { } wav ? Wav.ReadMono(wav) : [];

    /// <summary>What baresip heard on its last call (sndfile writes one dump per call), or empty (needs dumpAudio).</summary>
    public short[] HeardOnLastCall() =>
        System.IO.Directory.GetFiles(Directory, "*dec*.wav").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).LastOrDefault() is { } wav
            ? Wav.ReadMono(wav) : [];

    /// <summary>How many times <paramref name="text"/> appeared in its output (e.g. "Call established": one per call).</summary>
    public int Count(string text) => _process.Output.Split('\n').Count(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>8 kHz mono 16-bit silence (baresip hangs up when its audio file ends, so make it long).</summary>
    private static void WriteSilenceWav(string path, int seconds)
    {
        int dataBytes = 8000 * 2 * seconds;
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + dataBytes);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(8000);
        w.Write(16000);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(dataBytes);
        w.Write(new byte[dataBytes]);
    }
}
