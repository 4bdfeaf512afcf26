using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NAudio.Wave;

namespace Telephony.Media.Recording;

/// <summary>Settings of a <see cref="CallRecorder"/>.</summary>
public sealed record CallRecorderOptions
{
    public int SampleRate { get; init; } = 8000;

    /// <summary>
    /// How often (in frames) the WAV header is brought up to date and the data flushed to the
    /// OS. A killed process loses at most this much audio from the header's point of view, and
    /// <see cref="RecordingRepair"/> recovers even that. 50 frames = 1 s.
    /// </summary>
    public int CheckpointEveryFrames { get; init; } = 50;

    /// <summary>Most silent frames written to fill a gap of missed clock ticks (bounds a clock jump).</summary>
    public int MaxGapFrames { get; init; } = 50 * 60;
}

/// <summary>One pause of a recording, in seconds from its start.</summary>
public sealed record RecordingPause(double StartSeconds, double? EndSeconds, string Reason);

/// <summary>The sidecar metadata written next to each recording as <c>{file}.json</c>.</summary>
public sealed record RecordingMetadata(
    string File, int SampleRate, string LeftChannel, string RightChannel,
    double DurationSeconds, bool Completed, IReadOnlyList<RecordingPause> Pauses);

/// <summary>
/// Records one call as a stereo 16-bit WAV: left = caller, right = agent. On every media clock
/// tick it pulls one frame from each leg's source (a <see cref="FrameQueue"/> or a jitter
/// buffer's decoder); a leg with nothing gives silence, so the channels stay aligned with each
/// other and with the clock (missed ticks are filled with silence too).
/// <para>While paused (card numbers and other sensitive data) silence is written instead of the
/// audio and the pause is kept in the metadata sidecar.</para>
/// <para>Crash safety: NAudio's <see cref="WaveFileWriter.Flush"/> rewrites the RIFF and data
/// sizes and flushes to the OS; it runs every <see cref="CallRecorderOptions.CheckpointEveryFrames"/>
/// frames, so a killed process leaves a playable file. <see cref="RecordingRepair"/> at startup
/// extends the sizes over the audio written after the last checkpoint.</para>
/// </summary>
public sealed class CallRecorder : IMediaTickListener, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly WaveFileWriter _writer;
    private readonly IAudioSource _caller;
    private readonly IAudioSource _agent;
    private readonly CallRecorderOptions _options;
    private readonly ILogger _logger;
    private readonly short[] _left;
    private readonly short[] _right;
    private readonly short[] _interleaved;
    private readonly byte[] _frameBytes;
    private readonly List<RecordingPause> _pauses = [];
    private long _framesWritten;
    private long _lastTick = -1;
    private bool _paused;
    private bool _disposed;

    public CallRecorder(string path, IAudioSource caller, IAudioSource agent, CallRecorderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(agent);
        _options = options ?? new CallRecorderOptions();
        if (caller.SampleRate != _options.SampleRate || agent.SampleRate != _options.SampleRate)
            throw new ArgumentException($"Both legs must deliver {_options.SampleRate} Hz audio.", nameof(caller));
        _caller = caller;
        _agent = agent;
        _logger = logger ?? NullLogger.Instance;
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        int frameSamples = _options.SampleRate / 50;
        _left = new short[frameSamples];
        _right = new short[frameSamples];
        _interleaved = new short[frameSamples * 2];
        _frameBytes = new byte[frameSamples * 2 * sizeof(short)];
        // NAudio's own small (4 KB) file buffer on purpose: audio reaches the OS every few frames,
        // so a killed process loses at most that much beyond the last checkpoint (a larger buffer
        // saved write calls but lost up to its size of audio in RecorderTests' kill test).
        _writer = new WaveFileWriter(new KnownLengthFileStream(Path), new WaveFormat(_options.SampleRate, 16, 2));
        _writer.Flush(); // a valid (empty) WAV from the first moment
        WriteMetadata(completed: false);
    }

    public string Path { get; }
    public string MetadataPath => Path + ".json";
    public bool IsPaused => _paused;
    public TimeSpan Duration => TimeSpan.FromSeconds(Interlocked.Read(ref _framesWritten) / 50.0);

    public IReadOnlyList<RecordingPause> Pauses
    {
        get { lock (_gate) return [.. _pauses]; }
    }

    /// <summary>Called by the media clock: writes this tick's frame of both legs.</summary>
    public void OnTick(long tick)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            if (_lastTick >= 0 && tick > _lastTick + 1)
            {
                long gap = Math.Min(tick - _lastTick - 1, _options.MaxGapFrames);
                Array.Clear(_interleaved);
                for (long i = 0; i < gap; i++)
                    WriteInterleaved();
            }
            if (tick <= _lastTick)
                return; // the same tick twice: already written
            _lastTick = tick;

            if (!_caller.ReadFrame(_left))
                Array.Clear(_left);
            if (!_agent.ReadFrame(_right))
                Array.Clear(_right);
            if (_paused)
            {
                Array.Clear(_interleaved);
            }
            else
            {
                for (int i = 0; i < _left.Length; i++)
                {
                    _interleaved[2 * i] = _left[i];
                    _interleaved[2 * i + 1] = _right[i];
                }
            }
            WriteInterleaved();
        }
    }

    /// <summary>Stops recording audio (silence is written) until <see cref="Resume"/>.</summary>
    public void Pause(string reason)
    {
        lock (_gate)
        {
            if (_paused || _disposed)
                return;
            _paused = true;
            _pauses.Add(new RecordingPause(Seconds, null, reason));
            WriteMetadata(completed: false);
        }
        RecordingLog.Paused(_logger, Path, Seconds, reason);
    }

    public void Resume()
    {
        lock (_gate)
        {
            if (!_paused || _disposed)
                return;
            _paused = false;
            _pauses[^1] = _pauses[^1] with { EndSeconds = Seconds };
            WriteMetadata(completed: false);
        }
        RecordingLog.Resumed(_logger, Path, Seconds);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (_paused)
                _pauses[^1] = _pauses[^1] with { EndSeconds = Seconds };
            _writer.Dispose();
            WriteMetadata(completed: true);
        }
    }

    private double Seconds => _framesWritten / 50.0;

    private void WriteInterleaved()
    {
        // One block write: WaveFileWriter.WriteSamples goes sample by sample through a BinaryWriter,
        // which cost more than everything else a recorded call does per tick. WAV PCM is
        // little-endian, as is every platform .NET runs this on.
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_interleaved.AsSpan()).CopyTo(_frameBytes);
        _writer.Write(_frameBytes, 0, _frameBytes.Length);
        _framesWritten++;
        if (_framesWritten % _options.CheckpointEveryFrames == 0)
            _writer.Flush();
    }

    private void WriteMetadata(bool completed)
    {
        var meta = new RecordingMetadata(System.IO.Path.GetFileName(Path), _options.SampleRate, "caller", "agent",
            Seconds, completed, [.. _pauses]);
        try
        {
            // Write-then-rename so a crash never leaves half a JSON file.
            string tmp = MetadataPath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(meta, Json));
            File.Move(tmp, MetadataPath, overwrite: true);
        }
        catch (IOException ex)
        {
            RecordingLog.MetadataFailed(_logger, ex, MetadataPath);
        }
    }
}
