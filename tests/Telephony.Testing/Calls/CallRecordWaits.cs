using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Testing.Calls;

/// <summary>Waiting for a call's final record (written when the call's loop ends, after the SIP dialog is gone; an answered call also has an early one without an outcome).</summary>
public static class CallRecordWaits
{
    /// <summary>Polls the store until the record of <paramref name="callId"/> is there; fails the test after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task<CallRecord> WaitForRecordAsync(this ICallRecordStore store, string callId, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await store.GetCallRecordAsync(callId) is { Outcome: not null } record) // the final record, not the one written at the answer
            {
                return record;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no call record for {callId}");
        return null!;
    }
}
