using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using NAudio.Wave;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// A real third-party caller: baresip (PEERS.md) headless, with a microphone file holding a steady
/// tone, the cons command socket, and sndfile dumping what it hears. Killed by its PID on dispose.
/// </summary>
internal sealed partial class BaresipCaller : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private BaresipCaller(string dir, int consPort, Process process)
    {
        Folder = dir;
        ConsPort = consPort;
        _process = process;
    }

    public string Folder { get; }

    public int ConsPort { get; }

    public string Output => string.Join('\n', _lines);

    /// <summary>Starts baresip on fixed loopback ports (Server.Tests range) and dials <paramref name="target"/>.</summary>
    public static BaresipCaller Dial(string target, double toneHz, int sipPort, int consPort, int rtpBase, int quitAfterSeconds)
    {
        var dir = Directory.CreateTempSubdirectory("baresip-caller-").FullName;
        WriteTone(Path.Combine(dir, "mic.wav"), toneHz, quitAfterSeconds + 10);
        File.WriteAllText(Path.Combine(dir, "config"), new StringBuilder()
            .AppendLine($"sip_listen 127.0.0.1:{sipPort}")
            .AppendLine("net_interface 127.0.0.1")
            .AppendLine($"audio_source aufile,{Path.Combine(dir, "mic.wav")}")
            .AppendLine("audio_player alsa,null")
            .AppendLine("audio_alert alsa,null")
            .AppendLine($"rtp_ports {rtpBase}-{rtpBase + 9}")
            .AppendLine("module_path /usr/lib/baresip/modules")
            .AppendLine("module g711.so")
            .AppendLine("module aufile.so")
            .AppendLine("module alsa.so")
            .AppendLine("module sndfile.so")
            .AppendLine("module cons.so")
            .AppendLine("module_app account.so")
            .AppendLine("module_app menu.so")
            .AppendLine($"cons_listen 127.0.0.1:{consPort}")
            .AppendLine($"snd_path {dir}")
            .ToString());
        File.WriteAllText(Path.Combine(dir, "accounts"), $"<sip:citizen@127.0.0.1:{sipPort}>;regint=0;audio_codecs=PCMA,PCMU\n");
        var info = new ProcessStartInfo("baresip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { "-f", dir, "-t", quitAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", "/dial " + target })
        {
            info.ArgumentList.Add(a);
        }
        var process = new Process { StartInfo = info };
        var caller = new BaresipCaller(dir, consPort, process);
        process.OutputDataReceived += (_, e) => caller.Add(e.Data);
        process.ErrorDataReceived += (_, e) => caller.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return caller;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(Ansi().Replace(line, string.Empty));
        }
    }

    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>One command datagram to the cons socket (e.g. "/sndcode 9", "/hangup").</summary>
    public async Task CommandAsync(string command)
    {
        using var udp = new UdpClient();
        var bytes = Encoding.ASCII.GetBytes(command + "\n");
        await udp.SendAsync(bytes, bytes.Length, "127.0.0.1", ConsPort);
    }

    /// <summary>The samples baresip decoded from us (sndfile's "-dec" dump), or empty.</summary>
    public short[] Heard()
    {
        var file = Directory.GetFiles(Folder, "*dec*.wav").FirstOrDefault();
        if (file is null)
        {
            return [];
        }
        using var reader = new WaveFileReader(file);
        var bytes = new byte[reader.Length];
        int n = reader.Read(bytes, 0, bytes.Length);
        var samples = new short[n / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    private static void WriteTone(string path, double hz, int seconds)
    {
        using var writer = new WaveFileWriter(path, new WaveFormat(8000, 16, 1));
        var samples = new short[8000 * seconds];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(6000 * Math.Sin(2 * Math.PI * hz * i / 8000));
        }
        var bytes = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        writer.Write(bytes, 0, bytes.Length);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();
}
