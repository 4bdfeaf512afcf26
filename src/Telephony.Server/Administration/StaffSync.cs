using Telephony.ContactCenter.Routing;

namespace Telephony.Server.Administration;

/// <summary>
/// Keeps this node's staff views current without a restart: another node's change notice reloads at once; a version
/// check every <see cref="Security.UserDirectory.RecheckInterval"/> catches a notice lost to a Redis blip (or nodes
/// without Redis sharing one database). What the ACD must do about a reload is done here: queues replaced (calls
/// already waiting keep their policy), removed agents logged out once their call has left the seat.
/// </summary>
internal sealed class StaffSync(StaffCatalog catalog, StaffNotices notices, AutomaticCallDistributor acd, TimeProvider time, ILogger<StaffSync> log) : BackgroundService
{
    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Reloaded += ApplyToAcdAsync;
        await notices.SubscribeAsync(_ => ReloadAsync(force: false, CancellationToken.None)).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Security.UserDirectory.RecheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await ReloadAsync(force: false, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        catalog.Reloaded -= ApplyToAcdAsync;
        await notices.UnsubscribeAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReloadAsync(bool force, CancellationToken ct)
    {
        try
        {
            await catalog.RefreshAsync(force, ct).ConfigureAwait(false);
            _failing = false;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // Said once per outage, not once a second.
            if (!_failing)
                AdminLog.ReloadFailed(log, e.Message);
            _failing = true;
        }
    }

    private async Task ApplyToAcdAsync(StaffReload reload)
    {
        try
        {
            if (reload.Queues is { } queues)
                await acd.ReplaceQueuesAsync(queues).ConfigureAwait(false);
            foreach (var agent in reload.RemovedAgents)
                await acd.RetireAgentAsync(agent).ConfigureAwait(false);
        }
        catch (Telephony.ContactCenter.Store.SeatStoreUnavailableException e)
        {
            // The directory already refuses the agent's next login; the seat is settled by the store's restore.
            AdminLog.ReloadFailed(log, e.Message);
        }
    }
}
