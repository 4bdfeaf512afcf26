using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Testing.Calls;

/// <summary>Waiting for a call's record (live from the answer on, ended by the writer shortly after the call's loop ends).</summary>
public static class CallRecordWaits
{
    /// <summary>Polls the store until the record of <paramref name="callId"/> has ended; fails the test after <paramref name="timeout"/> (default 15 s).</summary>
    public static Task<CallRecord> WaitForRecordAsync(this ICallRecordStore store, string callId, TimeSpan? timeout = null) =>
        store.WaitForRecordAsync(callId, r => !r.Live, "an ended call record", timeout);

    /// <summary>Polls the store until the record of <paramref name="callId"/> satisfies <paramref name="condition"/>; fails the test after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task<CallRecord> WaitForRecordAsync(this ICallRecordStore store, string callId, Func<CallRecord, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        CallRecord? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await store.GetCallRecordAsync(callId);
            if (last is not null && condition(last))
            {
                return last;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no {what} for {callId}; last seen: {last?.ToString() ?? "none"}");
        return null!;
    }
}
