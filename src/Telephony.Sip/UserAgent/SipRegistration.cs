using System.Globalization;
using Telephony.Sip.Messages;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// Keeps a UA registered (RFC 3261 §10.2.4): registers, then refreshes at half the granted expiry
/// (retrying every 30 s after a failure), and unregisters (Expires: 0) when disposed.
/// </summary>
public sealed class SipRegistration : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private readonly SipUserAgent _ua;
    private readonly string _registrar;
    private readonly int _expires;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private SipRegistration(SipUserAgent ua, string registrar, int expires)
    {
        _ua = ua;
        _registrar = registrar;
        _expires = expires;
    }

    /// <summary>The last final response from the registrar.</summary>
    public SipResponse? LastResponse { get; private set; }

    /// <summary>True while the last REGISTER succeeded.</summary>
    public bool IsRegistered => LastResponse?.IsSuccess == true;

    /// <summary>The expiry the registrar granted last (seconds).</summary>
    public int GrantedExpires { get; private set; }

    /// <summary>Number of successful REGISTERs so far (first one plus refreshes).</summary>
    public int Refreshes { get; private set; }

    /// <summary>
    /// Registers once and starts refreshing; check <see cref="IsRegistered"/> for the first outcome.
    /// The refresh waits are entries in the endpoint's shared timer queue (its clock drives them).
    /// </summary>
    public static async Task<SipRegistration> StartAsync(SipUserAgent ua, string registrar, int expires = 600, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ua);
        ArgumentOutOfRangeException.ThrowIfLessThan(expires, 1);
        var registration = new SipRegistration(ua, registrar, expires);
        var delay = await registration.RegisterOnceAsync(cancellationToken).ConfigureAwait(false);
        registration._loop = registration.RefreshLoopAsync(delay);
        return registration;
    }

    private async Task<TimeSpan> RegisterOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _ua.RegisterAsync(_registrar, _expires, cancellationToken).ConfigureAwait(false);
            LastResponse = response;
            if (!response.IsSuccess)
            {
                _ua.Logger.RegistrationRefused(_registrar, response.StatusCode, response.ReasonPhrase);
                return RetryAfterFailure;
            }
            GrantedExpires = Granted(response);
            Refreshes++;
            return TimeSpan.FromSeconds(Math.Max(5, GrantedExpires / 2));
        }
        catch (Exception e) when (e is Transport.SipTransportException or System.Net.Sockets.SocketException)
        {
            _ua.Logger.RegistrationFailed(_registrar, e.Message);
            return RetryAfterFailure;
        }
    }

    /// <summary>The expiry granted to our contact: its expires parameter, else the Expires header, else what we asked.</summary>
    private int Granted(SipResponse response)
    {
        var ours = _ua.Endpoint.LocalEndPoints.Select(e => e.EndPoint.Port).ToHashSet();
        foreach (var contact in response.Contacts)
        {
            if (contact.SipUri is { } uri && uri.Port is { } port && ours.Contains(port) && contact.Parameters.Get("expires") is { } e
                && int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds;
            }
        }
        return response.Expires is { } header ? (int)Math.Min(header, int.MaxValue) : _expires;
    }

    private async Task RefreshLoopAsync(TimeSpan delay)
    {
        try
        {
            while (true)
            {
                await _ua.Timers.DelayAsync(delay, _stop.Token).ConfigureAwait(false);
                delay = await RegisterOnceAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops refreshing and removes the binding.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        if (IsRegistered)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                LastResponse = await _ua.RegisterAsync(_registrar, 0, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or Transport.SipTransportException or System.Net.Sockets.SocketException)
            {
                _ua.Logger.RegistrationFailed(_registrar, e.Message);
            }
        }
        _stop.Dispose();
    }
}
