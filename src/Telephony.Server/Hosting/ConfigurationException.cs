namespace Telephony.Server.Hosting;

/// <summary>
/// A setting (or a file or address it names) that stops the start: the message names the key and what is wrong, and
/// that one line is all the operator sees (<see cref="StartupFailure"/>). An <see cref="InvalidOperationException"/>, as before.
/// </summary>
public sealed class ConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException()
    {
    }

    /// <summary>Creates the exception with its one line.</summary>
    public ConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its one line and the cause.</summary>
    public ConfigurationException(string message, Exception inner) : base(message, inner)
    {
    }
}
