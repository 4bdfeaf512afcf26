namespace Telephony.Softphone.Core;

/// <summary>The softphone could not start: wrong credentials, seat taken, server unreachable, bad audio file.</summary>
public sealed class AgentStartException : Exception
{
    public AgentStartException()
    {
    }

    public AgentStartException(string message) : base(message)
    {
    }

    public AgentStartException(string message, Exception inner) : base(message, inner)
    {
    }
}
