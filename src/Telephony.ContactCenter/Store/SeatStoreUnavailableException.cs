namespace Telephony.ContactCenter.Store;

/// <summary>
/// The seat store cannot be reached now (Redis down, restarting or not answering in time). The
/// state it holds may come back as it was (a network blip) or empty (a restart without
/// persistence); the ACD treats this as an outage to ride out, not as a failed call or login.
/// </summary>
public sealed class SeatStoreUnavailableException : Exception
{
    public SeatStoreUnavailableException()
        : base("The seat store is unavailable.")
    {
    }

    public SeatStoreUnavailableException(string message)
        : base(message)
    {
    }

    public SeatStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
