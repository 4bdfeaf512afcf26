using System.Globalization;
using Telephony.Softphone.Core;

namespace Telephony.LoadGen.Calls;

/// <summary>How the load generator's simulated agents log in: seat N is user <c>agentN</c> (formats configurable) with the seats file's SIP password, answering at once.</summary>
internal static class LoadAgents
{
    public static AgentClientOptions Options(string seat, IReadOnlyDictionary<string, string> sipPasswords, string server, Uri http, string domain,
        string userFormat, string passwordFormat, bool readyOnStart)
    {
        if (!sipPasswords.TryGetValue(seat, out var sipPassword))
            throw new AgentStartException($"seat {seat} is not in the seats file");
        return new AgentClientOptions
        {
            Seat = seat,
            SipServer = server,
            Http = http,
            Domain = domain,
            User = string.Format(CultureInfo.InvariantCulture, userFormat, seat),
            Password = string.Format(CultureInfo.InvariantCulture, passwordFormat, seat),
            SipPassword = sipPassword,
            AutoAnswer = TimeSpan.Zero,
            ReadyOnStart = readyOnStart,
            StartTimeout = TimeSpan.FromSeconds(30),
        };
    }
}
