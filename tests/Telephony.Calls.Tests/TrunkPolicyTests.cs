using System.Net;
using Telephony.Calls.Trunks;

namespace Telephony.Calls.Tests;

/// <summary>The trunk allow-list runs on every out-of-dialog request, so its check must not allocate.</summary>
public sealed class TrunkPolicyTests
{
    private static readonly TrunkPolicy Policy = new(new TrunkOptions { AllowedSources = "127.0.0.0/8, 203.0.113.7, 2001:db8::/32, 10.1.0.0/20" }, ["12345"]);

    [TestCase("127.1.2.3", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("203.0.113.7", true)]
    [TestCase("203.0.113.8", false)]
    [TestCase("10.1.15.255", true)]
    [TestCase("10.1.16.0", false)]
    [TestCase("2001:db8::5", true)]
    [TestCase("2001:db9::5", false)]
    [TestCase("::ffff:203.0.113.8", false)]
    public void Source_is_matched_against_the_allow_list(string source, bool allowed) =>
        Assert.That(Policy.IsAllowedSource(IPAddress.Parse(source)), Is.EqualTo(allowed));

    [Test]
    public void Checking_a_source_allocates_nothing()
    {
        IPAddress[] sources = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::ffff:127.0.0.1"), IPAddress.Parse("198.51.100.1"), IPAddress.Parse("2001:db8::1")];
        foreach (var s in sources)
        {
            Policy.IsAllowedSource(s); // warm up (JIT, tiering)
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int allowed = 0;
        for (int i = 0; i < 1000; i++)
        {
            allowed += Policy.IsAllowedSource(sources[i % sources.Length]) ? 1 : 0;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.EqualTo(750));
            Assert.That(allocated, Is.Zero, "bytes allocated by 1,000 source checks");
        });
    }
}
