namespace Telephony.Ivr.Tests;

/// <summary>Finds the repository root (the directory holding Telephony.sln) from the test's directory.</summary>
internal static class RepoPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telephony.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("Telephony.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    public static string HotlineScript => Path.Combine(Root, "ivr-scripts", "12345.yaml");
}

/// <summary>
/// A throw-away directory holding a script, its data files and tiny prompt WAVs, so each
/// loader test controls exactly what exists. Deleted on dispose.
/// </summary>
internal sealed class ScriptWorkspace : IDisposable
{
    public ScriptWorkspace(params string[] prompts)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ivr-test-").FullName;
        foreach (var lang in new[] { "zh", "en" })
        {
            foreach (var prompt in prompts.Length > 0 ? prompts : ["hello", "menu", "invalid", "bye", "info/a", "info/b"])
            {
                WriteWav(Path.Combine(Directory, "prompts", lang, prompt + ".wav"), 8000, 1, 16);
            }
        }
    }

    public string Directory { get; }

    public string ScriptPath => Path.Combine(Directory, "script.yaml");

    public ScriptWorkspace File(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return this;
    }

    public IvrLoadResult Load(string yaml)
    {
        System.IO.File.WriteAllText(ScriptPath, yaml);
        return IvrScriptLoader.LoadFile(ScriptPath);
    }

    /// <summary>Writes a short WAV (20 ms of silence) with the given format fields.</summary>
    public static void WriteWav(string path, int rate, int channels, int bits)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var dataBytes = rate / 50 * channels * bits / 8;
        using var w = new BinaryWriter(System.IO.File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + dataBytes);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)channels);
        w.Write(rate);
        w.Write(rate * channels * bits / 8);
        w.Write((short)(channels * bits / 8));
        w.Write((short)bits);
        w.Write("data"u8);
        w.Write(dataBytes);
        w.Write(new byte[dataBytes]);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory left behind is harmless
        }
    }
}

/// <summary>Reads a WAV's format and data length by walking its RIFF chunks, independently of the library's reader.</summary>
internal static class WavFile
{
    public static (int Format, int Channels, int Rate, int Bits, long DataBytes) ReadHeader(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        Assert.That(new string(r.ReadChars(4)), Is.EqualTo("RIFF"), path);
        r.ReadInt32();
        Assert.That(new string(r.ReadChars(4)), Is.EqualTo("WAVE"), path);
        int format = 0, channels = 0, rate = 0, bits = 0;
        long data = -1;
        while (r.BaseStream.Position + 8 <= r.BaseStream.Length)
        {
            var id = new string(r.ReadChars(4));
            var size = r.ReadUInt32();
            var next = r.BaseStream.Position + size + (size & 1);
            if (id == "fmt ")
            {
                format = r.ReadInt16();
                channels = r.ReadInt16();
                rate = r.ReadInt32();
                r.ReadInt32();
                r.ReadInt16();
                bits = r.ReadInt16();
            }
            else if (id == "data")
            {
                data = size;
            }
            r.BaseStream.Position = Math.Min(next, r.BaseStream.Length);
        }
        return (format, channels, rate, bits, data);
    }

    /// <summary>How long the file plays: its PCM data over the byte rate.</summary>
    public static TimeSpan Duration(string path)
    {
        var (_, channels, rate, bits, dataBytes) = ReadHeader(path);
        return TimeSpan.FromSeconds((double)dataBytes / (rate * channels * bits / 8));
    }
}

/// <summary>
/// A scripted caller over our own <see cref="IIvrChannel"/>: keys queued in advance are pressed
/// during barge-in prompts or digit waits; an explicit silence (or an empty queue) lets a wait
/// time out. Time moves on a FakeTimeProvider: each prompt takes a second (or, with
/// <see cref="RealPromptLengths"/>, as long as its WAV plays), each timeout its length.
/// </summary>
internal sealed class FakeChannel(string caller, string dialed, FakeTimeProvider time) : IIvrChannel
{
    private readonly Queue<char?> _input = new();

    public FakeChannel(string caller, string dialed = "12345") : this(caller, dialed, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero)))
    {
    }

    public string CallId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];
    public string CallerNumber { get; } = caller;
    public string DialedNumber { get; } = dialed;
    public FakeTimeProvider Clock { get; } = time;
    public TimeProvider Time => Clock;

    public List<IvrPrompt> Played { get; } = [];
    public IEnumerable<string> PlayedNames => Played.Select(p => p.Name);
    public List<IvrRecord> Records { get; } = [];
    public string? TransferredTo { get; private set; }
    public bool HungUp { get; private set; }

    /// <summary>Prompts take as long as their WAV files play, so the clock measures what a caller would wait.</summary>
    public bool RealPromptLengths { get; set; }

    /// <summary>Keeps pressing this key for ever (a caller who will not stop).</summary>
    public char? RepeatForever { get; set; }

    /// <summary>The caller hangs up when a wait finds no more queued input.</summary>
    public bool HangUpWhenInputRunsOut { get; set; }

    /// <summary>A hang-up is reported through <see cref="CallerGone"/> with waits ending empty, as the server's channel does, instead of thrown.</summary>
    public bool HangUpQuietly { get; set; }

    public bool CallerGone { get; private set; }

    public FakeChannel Press(string keys)
    {
        foreach (var k in keys) _input.Enqueue(k);
        return this;
    }

    public FakeChannel Silence(int waits = 1)
    {
        for (var i = 0; i < waits; i++) _input.Enqueue(null);
        return this;
    }

    public ValueTask<char?> PlayAsync(IReadOnlyList<IvrPrompt> prompts, bool bargeIn, CancellationToken cancellationToken)
    {
        if (CallerGone) return ValueTask.FromResult<char?>(null);
        foreach (var prompt in prompts)
        {
            Played.Add(prompt);
            Clock.Advance(RealPromptLengths ? WavFile.Duration(prompt.FilePath) : TimeSpan.FromSeconds(1));
            if (bargeIn && NextKeyIsPress())
            {
                return ValueTask.FromResult(Take());
            }
        }
        return ValueTask.FromResult<char?>(null);
    }

    public ValueTask<char?> ReadDigitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (CallerGone) return ValueTask.FromResult<char?>(null);
        if (NextKeyIsPress()) return ValueTask.FromResult(Take());
        if (_input.Count > 0) _input.Dequeue(); // an explicit silence
        else if (HangUpWhenInputRunsOut && HangUpQuietly)
        {
            CallerGone = true;
            return ValueTask.FromResult<char?>(null);
        }
        else if (HangUpWhenInputRunsOut) throw new IvrCallerHangupException();
        Clock.Advance(timeout);
        return ValueTask.FromResult<char?>(null);
    }

    /// <summary>Numbers whose transfer fails (busy partner line).</summary>
    public HashSet<string> UnreachableNumbers { get; } = [];

    public ValueTask<bool> TransferAsync(string number, CancellationToken cancellationToken)
    {
        if (UnreachableNumbers.Contains(number)) return ValueTask.FromResult(false);
        TransferredTo = number;
        return ValueTask.FromResult(true);
    }

    public ValueTask HangupAsync(CancellationToken cancellationToken)
    {
        HungUp = true;
        return ValueTask.CompletedTask;
    }

    public void Record(IvrRecord record) => Records.Add(record);

    private bool NextKeyIsPress() => RepeatForever is not null || (_input.Count > 0 && _input.Peek() is not null);

    private char? Take() => RepeatForever ?? _input.Dequeue();
}
