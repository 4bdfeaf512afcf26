/// <summary>
/// .NET startup hook (DOTNET_STARTUP_HOOKS) that turns a plain <c>dotnet Telephony.Media.Tests.dll</c>
/// into the child process of the crash-safety test: when TELEPHONY_CRASH_RECORDING names a file it
/// records into it forever (until the test kills the process). Without that variable it does nothing,
/// so normal test runs are unaffected.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        string? path = Environment.GetEnvironmentVariable("TELEPHONY_CRASH_RECORDING");
        if (!string.IsNullOrEmpty(path))
            Telephony.Media.Tests.Recording.CrashRecorderChild.Run(path);
    }
}

namespace Telephony.Media.Tests.Recording
{
    internal static class CrashRecorderChild
    {
        public const double LeftHz = 440, RightHz = 1000;

        public static void Run(string path)
        {
            var recorder = new CallRecorder(path, Tones.Continuous(LeftHz, 8000), Tones.Continuous(RightHz, 8000));
            for (long tick = 0; ; tick++)
            {
                recorder.OnTick(tick);
                if (tick % 10 == 0)
                {
                    Console.Out.WriteLine($"frames {tick + 1}");
                    Console.Out.Flush();
                    Thread.Sleep(5); // faster than real time, slow enough to be killed mid-stream
                }
            }
        }
    }
}
