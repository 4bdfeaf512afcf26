namespace Telephony.Calls.Routing;

/// <summary>
/// Maps the IVR script's queue names (general, english, taxi…) onto the ACD's queues (zh-general,
/// en-general…): the script speaks the operators' language, the ACD knows skills per language.
/// The ACD's queues are asked at each call (<paramref name="acdQueues"/>): an administrator may add or remove
/// queues while the server runs.
/// </summary>
public sealed class QueueMap(IReadOnlyDictionary<string, string> map, Func<IReadOnlyCollection<string>> acdQueues)
{
    /// <summary>The ACD queue for an IVR queue request; never null (falls back to the first ACD queue).</summary>
    public string Resolve(string ivrQueue, string language)
    {
        ArgumentNullException.ThrowIfNull(ivrQueue);
        return Resolve(ivrQueue, language, acdQueues());
    }

    private string Resolve(string ivrQueue, string language, IReadOnlyCollection<string> names)
    {
        if (names.Contains(ivrQueue))
        {
            return ivrQueue;
        }
        if (map.TryGetValue(ivrQueue, out var mapped) && names.Contains(mapped))
        {
            return mapped;
        }
        foreach (var candidate in new[] { $"{language}-{ivrQueue}", $"{language}-general" })
        {
            if (names.Contains(candidate))
            {
                return candidate;
            }
        }
        return names.First();
    }
}
