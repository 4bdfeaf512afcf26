using Microsoft.AspNetCore.SignalR;
using Telephony.ContactCenter.Store;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Feeds the supervisors' wall: while at least one supervisor watches, looks at the floor when poked
/// (<see cref="FloorSignal"/>) and at least every <see cref="WallboardSettings.FloorMilliseconds"/>, and pushes the
/// view to the node's supervisors only when it differs from the last one pushed; recomputes the figures every
/// <see cref="WallboardSettings.FiguresMilliseconds"/> and pushes them when they changed. One loop: bursts coalesce
/// (pokes collapse while a view is built), and nothing is read while nobody watches.
/// </summary>
public sealed partial class FloorPublisher(FloorBuilder builder, FigureWindows windows, FloorAlarms alarms, FloorSignal signal,
    IHubContext<SupervisorHub, ISupervisorClient> hub, WallboardSettings settings, TimeProvider time, ILogger<FloorPublisher> log) : BackgroundService
{
    private int _watchers;
    private bool _storeDown;

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
        Interlocked.Increment(ref _watchers);
        signal.Poke();
    }

    /// <summary>A supervisor's connection closed.</summary>
    public void Unwatch() => Interlocked.Decrement(ref _watchers);

    private string Group => SupervisorHub.GroupOf(builder.Node);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var floorEvery = TimeSpan.FromMilliseconds(settings.FloorMilliseconds);
        var figuresEvery = TimeSpan.FromMilliseconds(settings.FiguresMilliseconds);
        var nextFigures = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(floorEvery, stoppingToken).ConfigureAwait(false);
                if (Volatile.Read(ref _watchers) <= 0)
                {
                    Floor = null;
                    Figures = null;
                    continue;
                }
                bool alarmChanged = false;
                if (time.GetUtcNow() >= nextFigures)
                {
                    nextFigures = time.GetUtcNow() + figuresEvery;
                    alarmChanged = await PublishFiguresAsync(stoppingToken).ConfigureAwait(false);
                }
                var view = await builder.BuildAsync(stoppingToken).ConfigureAwait(false);
                NoteStore(up: true);
                if (alarmChanged || !view.SameFloor(Floor))
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
