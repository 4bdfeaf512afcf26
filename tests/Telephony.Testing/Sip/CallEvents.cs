using Telephony.Sip.UserAgent;

namespace Telephony.Testing.Sip;

/// <summary>Waiting on a <see cref="SipCall"/>'s events.</summary>
public static class CallEvents
{
    /// <summary>Waits for the next event of a type on a call, skipping others; fails when the call ends first.</summary>
    public static async Task<T> NextAsync<T>(this SipCall call, TimeSpan? timeout = null) where T : CallEvent
    {
        ArgumentNullException.ThrowIfNull(call);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var e = await call.Events.ReadAsync(cts.Token);
            if (e is T t)
            {
                return t;
            }
            if (e is CallEnded ended && typeof(T) != typeof(CallEnded))
            {
                Assert.Fail($"call ended ({ended.Reason} {ended.StatusCode} {ended.Detail}) while waiting for {typeof(T).Name}");
            }
        }
    }
}
