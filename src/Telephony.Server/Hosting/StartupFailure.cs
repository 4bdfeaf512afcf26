using System.Net.Sockets;

namespace Telephony.Server.Hosting;

/// <summary>
/// Expected reasons a start fails — a bad setting, a broken seats/users/agents file or script, an address in use —
/// end the process with one clear line on stderr and exit code 1 instead of an unhandled exception's stack trace
/// and SIGABRT. Anything else stays a crash with its trace (a bug should be loud).
/// </summary>
public static class StartupFailure
{
    /// <summary>Installs the handler (the process's, not a test host's: there the exception goes to the test).</summary>
    public static void Install() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        if (e.ExceptionObject is Exception ex && Describe(ex) is { } line)
        {
            Console.Error.WriteLine("Telephony.Server did not start: " + line);
            Console.Error.Flush();
            Environment.Exit(1);
        }
    };

    /// <summary>The one line for an expected start failure; null for anything else.</summary>
    public static string? Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case ConfigurationException or InvalidDataException:
                    return x.Message;
                case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return io.Message; // Kestrel's "Failed to bind to address http://…: address already in use."
            }
        }
        return null;
    }
}
