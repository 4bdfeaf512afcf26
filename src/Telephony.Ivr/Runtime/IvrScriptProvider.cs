using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Ivr;

/// <summary>
/// Holds the script the host runs. <see cref="Reload"/> loads and validates the file again and
/// swaps the new script in atomically only when it has no errors; otherwise the last good script
/// stays in service and the errors are logged and returned. Calls already running keep the
/// script instance they started with.
/// </summary>
public sealed partial class IvrScriptProvider
{
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private IvrScript? _current;
    private IReadOnlyList<IvrError> _lastErrors = [];

    public IvrScriptProvider(string path, ILogger<IvrScriptProvider>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Loads the script at start-up; throws <see cref="IvrScriptException"/> listing every error when it is invalid.</summary>
    public static IvrScriptProvider LoadOrThrow(string path, ILogger<IvrScriptProvider>? logger = null)
    {
        var provider = new IvrScriptProvider(path, logger);
        var result = provider.Reload();
        if (!result.Succeeded) throw new IvrScriptException($"IVR script {path} is invalid", result.Errors);
        return provider;
    }

    public string Path { get; }

    /// <summary>The script in service; null only before the first successful load.</summary>
    public IvrScript? Current => Volatile.Read(ref _current);

    /// <summary>The errors of the most recent load (empty after a successful one).</summary>
    public IReadOnlyList<IvrError> LastErrors => Volatile.Read(ref _lastErrors);

    /// <summary>Raised after a new script went into service.</summary>
    public event EventHandler<IvrScript>? ScriptChanged;

    /// <summary>Loads and validates the file; on success swaps it in, on failure keeps the old script.</summary>
    public IvrLoadResult Reload()
    {
        IvrLoadResult result;
        lock (_reloadLock)
        {
            result = IvrScriptLoader.LoadFile(Path);
            Volatile.Write(ref _lastErrors, result.Errors);
            if (result.Succeeded)
            {
                Volatile.Write(ref _current, result.Script);
                LogLoaded(Path, result.Script!.Nodes.Count);
            }
            else
            {
                LogRejected(Path, result.Errors.Count, Current is null ? "no script" : "the previous script");
                foreach (var error in result.Errors) LogError(error.ToString());
            }
        }
        if (result.Succeeded) ScriptChanged?.Invoke(this, result.Script!);
        return result;
    }

    /// <summary>
    /// Reloads by itself when the script, a data file or a prompt under the script's directory
    /// changes, once the files have been quiet for <paramref name="debounce"/> (an editor writes
    /// in several steps). Dispose the result to stop watching. Optional: <see cref="Reload"/>
    /// stays the explicit way.
    /// </summary>
    public IDisposable Watch(TimeSpan? debounce = null, TimeProvider? timeProvider = null)
    {
        var quiet = debounce ?? TimeSpan.FromMilliseconds(500);
        var time = timeProvider ?? TimeProvider.System;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";
        var timer = time.CreateTimer(_ => ReloadFromWatcher(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size,
        };
        void Touched(object? sender, FileSystemEventArgs e) => timer.Change(quiet, Timeout.InfiniteTimeSpan);
        watcher.Changed += Touched;
        watcher.Created += Touched;
        watcher.Deleted += Touched;
        watcher.Renamed += (sender, e) => Touched(sender, e);
        watcher.Error += (_, e) => LogWatchFailed(e.GetException());
        watcher.EnableRaisingEvents = true;
        LogWatching(directory);
        return new Watcher(watcher, timer);
    }

    private void ReloadFromWatcher()
    {
        try
        {
            Reload();
        }
#pragma warning disable CA1031 // a timer callback must not throw: a ScriptChanged handler's fault is logged, not fatal
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWatchFailed(ex);
        }
    }

    private sealed class Watcher(FileSystemWatcher watcher, ITimer timer) : IDisposable
    {
        public void Dispose()
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
            timer.Dispose();
        }
    }
}
