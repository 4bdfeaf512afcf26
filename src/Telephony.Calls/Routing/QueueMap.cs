namespace Telephony.Calls.Routing;

/// <summary>
/// Maps the IVR script's queue names (general, english, taxi…) onto the ACD's queues (zh-general,
/// en-general…): the script speaks the operators' language, the ACD knows skills per language.
/// </summary>
public sealed class QueueMap(IReadOnlyDictionary<string, string> map, IReadOnlyCollection<string> acdQueues)
{
    /// <summary>The ACD queue for an IVR queue request; never null (falls back to the first ACD queue).</summary>
    public string Resolve(string ivrQueue, string language)
    {
        ArgumentNullException.ThrowIfNull(ivrQueue);
        if (acdQueues.Contains(ivrQueue))
        {
            return ivrQueue;
        }
        if (map.TryGetValue(ivrQueue, out var mapped) && acdQueues.Contains(mapped))
        {
            return mapped;
        }
        foreach (var candidate in new[] { $"{language}-{ivrQueue}", $"{language}-general" })
        {
            if (acdQueues.Contains(candidate))
            {
                return candidate;
            }
        }
        return acdQueues.First();
    }
}
