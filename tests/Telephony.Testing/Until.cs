namespace Telephony.Testing;

/// <summary>Polls a condition every 100 ms until it holds or the time is up (bounded: tests never wait for ever).</summary>
public static class Until
{
    /// <summary>True as soon as <paramref name="condition"/> holds; false after <paramref name="seconds"/>.</summary>
    public static Task<bool> TrueAsync(Func<bool> condition, int seconds = 10) => TrueAsync(() => Task.FromResult(condition()), seconds);

    /// <summary>True as soon as <paramref name="condition"/> holds; false after <paramref name="seconds"/>.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, int seconds = 10)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        return true;
    }
}
