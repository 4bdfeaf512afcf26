using NAudio.Wave;
using Telephony.Media;
using Telephony.Media.Audio;

namespace Telephony.Softphone.Core.Media;

/// <summary>
/// Audio files for headless use: a WAV file as the microphone (looped so a call never runs dry) and
/// what the far end says written to a WAV file. Files are 8 kHz mono 16-bit PCM (what G.711 carries);
/// <c>sox in.wav -r 8000 -c 1 -b 16 out.wav</c> converts anything else.
/// </summary>
public static class WavAudio
{
    /// <summary>Loads a microphone file (validated: 8 kHz mono 16-bit PCM, at most 10 minutes) once; share it between calls.</summary>
    public static Prompt LoadMicrophone(string path) => PromptCache.Load(path);

    /// <summary>A fresh looping source over a loaded microphone file, one per call.</summary>
    public static IAudioSource Loop(Prompt prompt) => new LoopingPlayer(prompt);
}

/// <summary>
/// Writes 20 ms frames of 8 kHz mono PCM to a WAV file (NAudio). The media clock thread writes; the
/// header is brought up to date every second so a killed process leaves a playable file.
/// </summary>
public sealed class WavFileSink : IAudioSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly WaveFileWriter _writer;
    private readonly byte[] _bytes = new byte[320];
    private long _frames;
    private bool _closed;

    public WavFileSink(string path)
    {
        Path = path;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        _writer = new WaveFileWriter(path, new WaveFormat(8000, 16, 1));
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Audio written so far.</summary>
    public TimeSpan Duration => TimeSpan.FromMilliseconds(Interlocked.Read(ref _frames) * 20);

    /// <inheritdoc />
    public void WriteFrame(ReadOnlySpan<short> frame)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            int n = Math.Min(frame.Length, _bytes.Length / 2);
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(frame[..n]).CopyTo(_bytes);
            _writer.Write(_bytes, 0, n * 2);
            if (Interlocked.Increment(ref _frames) % 50 == 0)
            {
                _writer.Flush();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            _writer.Dispose();
        }
    }
}
