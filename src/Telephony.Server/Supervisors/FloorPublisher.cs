using Microsoft.AspNetCore.SignalR;
using Telephony.ContactCenter.Store;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Feeds the supervisors' wall: while at least one supervisor watches, looks at the floor when poked
/// (<see cref="FloorSignal"/>) and at least every <see cref="WallboardSettings.FloorMilliseconds"/>, and pushes the
/// view to the node's supervisors only when it differs from the last one pushed; recomputes the figures every
/// <see cref="WallboardSettings.FiguresMilliseconds"/> and pushes them when they changed. Two loops: the floor's
/// (bursts coalesce: pokes collapse while a view is built) and the figures' (the report's queries over five windows),
/// so a seat change never waits behind the database. Nothing is read while nobody watches.
/// </summary>
public sealed partial class FloorPublisher(FloorBuilder builder, FigureWindows windows, FloorAlarms alarms, FloorSignal signal,
    IHubContext<SupervisorHub, ISupervisorClient> hub, WallboardSettings settings, ILogger<FloorPublisher> log) : BackgroundService
{
    private int _watchers;
    private int _alarmChanged; // 1: the figures' loop started or cleared the service-level alarm; the floor goes out again
    private bool _storeDown;
    private readonly SemaphoreSlim _firstWatcher = new(0, 1);

    /// <summary>The last floor pushed (null while nobody watches).</summary>
    public FloorView? Floor { get; private set; }

    /// <summary>The last figures pushed (null while nobody watches).</summary>
    public FigureBoard? Figures { get; private set; }

    /// <summary>How many floor views were pushed since the start (for the load measurement).</summary>
    public long FloorPushes => Interlocked.Read(ref _floorPushes);
    private long _floorPushes;

    /// <summary>A supervisor's connection opened on this node.</summary>
    public void Watch()
    {
        if (Interlocked.Increment(ref _watchers) == 1 && _firstWatcher.CurrentCount == 0)
        {
            try
            {
                _firstWatcher.Release(); // the figures' loop wakes (the floor's looks at least every FloorMilliseconds anyway)
            }
            catch (SemaphoreFullException)
            {
                // woken already (a watcher came and went meanwhile): once is enough
            }
        }
        signal.Poke();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _firstWatcher.Dispose();
    }

    /// <summary>A supervisor's connection closed.</summary>
    public void Unwatch() => Interlocked.Decrement(ref _watchers);

    private bool Watched => Volatile.Read(ref _watchers) > 0;

    private string Group => SupervisorHub.GroupOf(builder.Node);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => FloorLoopAsync(stoppingToken), stoppingToken), Task.Run(() => FiguresLoopAsync(stoppingToken), stoppingToken));

    private async Task FloorLoopAsync(CancellationToken stoppingToken)
    {
        var floorEvery = TimeSpan.FromMilliseconds(settings.FloorMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(floorEvery, stoppingToken).ConfigureAwait(false);
                if (!Watched)
                {
                    Floor = null;
                    continue;
                }
                var view = await builder.BuildAsync(stoppingToken).ConfigureAwait(false);
                NoteStore(up: true);
                if (Interlocked.Exchange(ref _alarmChanged, 0) == 1 || !view.SameFloor(Floor))
                {
                    Floor = view;
                    Interlocked.Increment(ref _floorPushes);
                    await hub.Clients.Group(Group).Floor(view).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SeatStoreUnavailableException)
            {
                NoteStore(up: false); // the ACD logs the outage; the wall keeps its last view until the store is back
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogPublishFailed(e);
                await Task.Delay(floorEvery, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FiguresLoopAsync(CancellationToken stoppingToken)
    {
        var figuresEvery = TimeSpan.FromMilliseconds(settings.FiguresMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!Watched)
                {
                    Figures = null;
                    await _firstWatcher.WaitAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }
                if (await PublishFiguresAsync(stoppingToken).ConfigureAwait(false))
                {
                    Interlocked.Exchange(ref _alarmChanged, 1);
                    signal.Poke();
                }
                await Task.Delay(figuresEvery, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogPublishFailed(e);
                await Task.Delay(figuresEvery, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Recomputes the figures, pushes them when they changed; true when the service-level alarm started or cleared.</summary>
    private async Task<bool> PublishFiguresAsync(CancellationToken ct)
    {
        var board = await windows.ComputeAsync(ct).ConfigureAwait(false);
        bool alarmChanged = alarms.JudgeServiceLevel(board.Intervals[^1].Figures, settings.ServiceLevelTarget);
        if (!SameFigures(board, Figures))
        {
            Figures = board;
            await hub.Clients.Group(Group).Figures(board).ConfigureAwait(false);
        }
        return alarmChanged;
    }

    // The windows slide with the clock; the figures count as the same when only their windows moved.
    private static bool SameFigures(FigureBoard next, FigureBoard? last) =>
        last is not null && next.Intervals.Count == last.Intervals.Count
        && next.Intervals.Zip(last.Intervals).All(p => p.First.Figures with { From = default, To = default } == p.Second.Figures with { From = default, To = default });

    private void NoteStore(bool up)
    {
        if (_storeDown == !up)
            return;
        _storeDown = !up;
        if (up)
            LogStoreBack();
        else
            LogStoreDown();
    }

    [LoggerMessage(EventId = 7200, Level = LogLevel.Error, Message = "Wallboard: the floor could not be read or pushed")]
    private partial void LogPublishFailed(Exception e);
    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Wallboard: the seat store is unavailable; the wall shows its last view")]
    private partial void LogStoreDown();
    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Wallboard: the seat store is back; the wall is live again")]
    private partial void LogStoreBack();
}
