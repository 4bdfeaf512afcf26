using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Telephony.Softphone.Core;

/// <summary>
/// Getting back to work after the server went away (a restart, a network drop, a revoked token): the hub
/// reconnects for as long as the softphone runs, with a fresh token; once connected, the seat is logged
/// in again if the server no longer has the agent there (a restarted server forgets in-process seats), it
/// is made Ready again if it was Ready, and the seat re-registers over SIP at once (the registrar may
/// have forgotten it too). Each step is a console line.
/// </summary>
public sealed partial class AgentClient
{
    private string? _token;
    private bool _wasReady;
    private int _restarting;

    // The reason the server gives a Ready seat whose desktop went away (the server's AgentHub.DisconnectedReason).
    private const string DesktopDisconnected = "desktop disconnected";

    /// <summary>True when the agent was taking calls before the connection dropped (the server may already have set the seat NotReady for it).</summary>
    private static bool ReadyBeforeTheDrop(SeatInfo? seat) =>
        seat is { State: SeatState.Ready } or { State: SeatState.NotReady, Reason: DesktopDisconnected };

    private async Task<string?> ProvideTokenAsync() =>
        _token ??= await TokenClient.GetTokenAsync(_http!, _options.User!, _options.Password!, _stop.Token).ConfigureAwait(false);

    /// <summary>After the hub is back: the seat logged in again (and Ready if it was), the SIP registration renewed.</summary>
    private async Task RestoreSeatAsync(HubConnection hub, string how)
    {
        // Registered first, so a call routed to the seat once it is Ready finds the phone.
        await ReRegisterAsync().ConfigureAwait(false);
        try
        {
            var seat = await hub.InvokeAsync<SeatInfo?>(AgentHubNames.GetSeat, _stop.Token).ConfigureAwait(false);
            if (seat is null || seat.State == SeatState.LoggedOut)
            {
                seat = await hub.InvokeAsync<SeatInfo>(AgentHubNames.Login, _options.Seat, _stop.Token).ConfigureAwait(false);
                Publish(new NoticeEvent($"{how}: the server had logged us out (restarted?); logged in again to seat {_options.Seat} ({seat.State})", Now));
                LogLoggedInAgain(_log, _options.Seat, how);
            }
            else
            {
                Publish(new NoticeEvent($"{how}: still logged in to seat {seat.Extension} ({seat.State})", Now));
            }
            SeatInfo = seat;
            _wasReady = _wasReady || ReadyBeforeTheDrop(seat);
            if (_wasReady && seat.State == SeatState.NotReady)
            {
                SeatInfo = await hub.InvokeAsync<SeatInfo>(AgentHubNames.SetReady, _stop.Token).ConfigureAwait(false);
                Publish(new NoticeEvent($"seat {_options.Seat} Ready again, as before the connection was lost", Now));
            }
            _wasReady = false;
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException or AgentStartException)
        {
            Publish(new NoticeEvent($"{how}, but seat {_options.Seat} could not be restored: {e.Message}", Now));
        }
    }

    private async Task ReRegisterAsync()
    {
        if (_ua is not { } ua)
        {
            return;
        }
        try
        {
            var response = await ua.RegisterAsync($"sip:{_options.Domain}", _options.RegisterExpires, _stop.Token).ConfigureAwait(false);
            Publish(new NoticeEvent(response.IsSuccess
                ? $"seat {_options.Seat} registered again over SIP"
                : $"re-registration failed: {response.StatusCode} {response.ReasonPhrase}", Now));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The connection closed for good (the server refused a reconnect, or closed it with an error such as a
    /// revoked token): start it again, with a fresh token, until it works or the softphone stops.
    /// </summary>
    private Task OnHubClosed(HubConnection hub, Exception? error)
    {
        if (_stop.IsCancellationRequested || Interlocked.Exchange(ref _restarting, 1) == 1)
        {
            return Task.CompletedTask;
        }
        _wasReady |= ReadyBeforeTheDrop(SeatInfo);
        Publish(new NoticeEvent($"hub connection closed ({error?.Message ?? "by the server"}); connecting again", Now));
        _ = RestartHubAsync(hub);
        return Task.CompletedTask;
    }

    private async Task RestartHubAsync(HubConnection hub)
    {
        try
        {
            for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
            {
                try
                {
                    await Task.Delay(KeepTrying.Delay(attempt), _stop.Token).ConfigureAwait(false);
                    _token = null;
                    await hub.StartAsync(_stop.Token).ConfigureAwait(false);
                    Interlocked.Exchange(ref _restarting, 0);
                    await RestoreSeatAsync(hub, "hub connected again").ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or AgentStartException or IOException or InvalidOperationException
                    or System.Net.WebSockets.WebSocketException || (e is OperationCanceledException && !_stop.IsCancellationRequested))
                {
                    LogHubRetry(_log, attempt + 1, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reconnects for as long as the softphone runs: at once, then after 1, 2 and 5 seconds, then every 5 seconds.</summary>
    private sealed class KeepTrying : IRetryPolicy
    {
        public static TimeSpan Delay(int attempt) => attempt switch
        {
            0 => TimeSpan.Zero,
            1 => TimeSpan.FromSeconds(1),
            2 => TimeSpan.FromSeconds(2),
            _ => TimeSpan.FromSeconds(5),
        };

        public TimeSpan? NextRetryDelay(RetryContext retryContext) => Delay((int)Math.Min(retryContext.PreviousRetryCount, 3));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {Seat}: logged in again after the hub came back ({How})")]
    private static partial void LogLoggedInAgain(ILogger logger, string seat, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection attempt {Attempt} failed: {Reason}")]
    private static partial void LogHubRetry(ILogger logger, int attempt, string reason);
}
