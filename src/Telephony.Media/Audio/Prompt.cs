using System.Collections.Concurrent;
using NAudio.Wave;

namespace Telephony.Media.Audio;

/// <summary>A decoded prompt: 8 kHz mono 16-bit PCM, immutable and shared by every call that plays it.</summary>
public sealed class Prompt
{
    public Prompt(string name, short[] samples, int sampleRate = 8000)
    {
        ArgumentNullException.ThrowIfNull(samples);
        Name = name;
        Samples = samples;
        SampleRate = sampleRate;
    }

    public string Name { get; }
    public ReadOnlyMemory<short> Samples { get; }
    public int SampleRate { get; }
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}

/// <summary>
/// Decodes each prompt WAV once (NAudio <see cref="WaveFileReader"/>) and shares the samples
/// among all calls. Only 8 kHz mono 16-bit PCM is accepted (what ivr-scripts/ generates); any
/// other file fails with a <see cref="InvalidDataException"/> naming the file and its format.
/// Thread-safe; a failed load is not cached, so a fixed file is picked up on the next request.
/// </summary>
public sealed class PromptCache
{
    public const int SampleRate = 8000;
    /// <summary>Longest prompt accepted: 10 minutes, so a wrong file cannot eat the memory.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Lazy<Prompt>> _prompts = new(StringComparer.Ordinal);

    public int Count => _prompts.Count;

    public Prompt Get(string path)
    {
        string full = Path.GetFullPath(path);
        var lazy = _prompts.GetOrAdd(full, p => new Lazy<Prompt>(() => Load(p), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _prompts.TryRemove(new KeyValuePair<string, Lazy<Prompt>>(full, lazy));
            throw;
        }
    }

    /// <summary>Reads a WAV file into a prompt without caching it.</summary>
    public static Prompt Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Prompt file not found: {path}", path);
        try
        {
            using var reader = new WaveFileReader(path);
            var f = reader.WaveFormat;
            if (f.Encoding != WaveFormatEncoding.Pcm || f.SampleRate != SampleRate || f.Channels != 1 || f.BitsPerSample != 16)
                throw new InvalidDataException(
                    $"Prompt {path} is {f.Encoding} {f.SampleRate} Hz, {f.Channels} channel(s), {f.BitsPerSample} bit; need PCM 8000 Hz mono 16 bit.");
            long bytes = reader.Length;
            if (bytes > (long)(MaxDuration.TotalSeconds * SampleRate * 2))
                throw new InvalidDataException($"Prompt {path} is longer than {MaxDuration.TotalMinutes} minutes.");
            var raw = new byte[bytes];
            int read = 0;
            while (read < raw.Length)
            {
                int n = reader.Read(raw, read, raw.Length - read);
                if (n == 0)
                    break;
                read += n;
            }
            // WAV samples are little-endian, as are the hosts we run on (x64, arm64).
            var samples = new short[read / 2];
            Buffer.BlockCopy(raw, 0, samples, 0, samples.Length * 2);
            return new Prompt(Path.GetFileNameWithoutExtension(path), samples);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"Prompt {path} is not a valid WAV file: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"Prompt {path} is truncated: {ex.Message}", ex);
        }
    }
}
