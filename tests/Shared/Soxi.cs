using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace Telephony.Tests.Shared;

/// <summary>
/// What sox makes of a recording: <c>soxi -D</c> reads the header as any player would, so a file it accepts
/// plays. Shared by the recorder tests (Telephony.Media.Tests) and the node-lost test (Telephony.Server.Tests), which link this file.
/// </summary>
internal static class Soxi
{
    /// <summary>The playing time in seconds; fails the test when sox refuses the file.</summary>
    public static async Task<double> DurationSecondsAsync(string path)
    {
        var soxi = new ProcessStartInfo("soxi") { RedirectStandardOutput = true, RedirectStandardError = true };
        soxi.ArgumentList.Add("-D");
        soxi.ArgumentList.Add(path);
        using var process = Process.Start(soxi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, "soxi: " + error);
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
