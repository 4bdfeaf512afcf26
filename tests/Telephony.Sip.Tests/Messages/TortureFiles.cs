namespace Telephony.Sip.Tests.Messages;

/// <summary>
/// The 49 RFC 4475 torture messages in <c>TestData/Torture</c> (one file each under the RFC's own
/// name, byte for byte; INDEX.md maps them to sections), and the INVITE the parse benchmarks use.
/// </summary>
internal static class TortureFiles
{
    public static byte[] Read(string name) => TestDataFiles.Read("Torture", name + ".dat");

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(TestDataFiles.PathOf("Torture"), "*.dat").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    /// <summary>tests/Shared/TestData/invite.txt: the 922-byte INVITE with SDP of the parse benchmarks.</summary>
    public static byte[] BenchInvite() => TestDataFiles.Read("invite.txt");
}
