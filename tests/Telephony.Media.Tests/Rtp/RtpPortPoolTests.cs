namespace Telephony.Media.Tests.Rtp;

// Fixed ports from the Media.Tests range 30000-31999; each test its own slice.
public class RtpPortPoolTests
{
    [Test]
    public void Hands_out_even_ports_once_bound_to_the_configured_address_and_survives_exhaustion()
    {
        var pool = new RtpPortPool(IPAddress.Loopback, 30001, 30009); // rounds up to 30002: pairs 30002..30008
        Assert.That(pool.Capacity, Is.EqualTo(4));
        var leases = new List<RtpPortLease>();
        for (int i = 0; i < 4; i++)
        {
            var lease = pool.TryLease(out string? error);
            Assert.That(lease, Is.Not.Null, error);
            leases.Add(lease!);
        }

        Assert.That(leases.Select(l => l.RtpPort), Is.EquivalentTo(new[] { 30002, 30004, 30006, 30008 }));
        Assert.That(leases.All(l => l.RtpPort % 2 == 0 && l.RtcpPort == l.RtpPort + 1), Is.True);
        Assert.That(((IPEndPoint)leases[0].RtpSocket.LocalEndPoint!).Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(pool.InUse, Is.EqualTo(4));

        Assert.That(pool.TryLease(out string? exhausted), Is.Null);
        Assert.That(exhausted, Does.Contain("exhausted"));

        leases[1].Dispose();
        leases[1].Dispose(); // twice is harmless: the port goes back once
        Assert.That(pool.InUse, Is.EqualTo(3));
        var again = pool.TryLease(out _);
        Assert.That(again!.RtpPort, Is.EqualTo(30004));
        Assert.That(pool.TryLease(out _), Is.Null);
        again.Dispose();
        leases.ForEach(l => l.Dispose());
        Assert.That(pool.InUse, Is.EqualTo(0));
    }

    [Test]
    public void Skips_ports_another_process_holds_and_reuses_freed_ports_last()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 30021)); // the RTCP port of the first pair
        var pool = new RtpPortPool(IPAddress.Loopback, 30020, 30027);
        using var first = pool.TryLease(out _)!;
        Assert.That(first.RtpPort, Is.EqualTo(30022));
        var second = pool.TryLease(out _)!;
        Assert.That(second.RtpPort, Is.EqualTo(30024));
        second.Dispose();
        using var third = pool.TryLease(out _)!;
        Assert.That(third.RtpPort, Is.EqualTo(30026), "a freed port waits its turn");
    }

    [Test]
    public void Concurrent_leases_never_share_a_port()
    {
        var pool = new RtpPortPool(IPAddress.Loopback, 30100, 30299);
        var leases = new System.Collections.Concurrent.ConcurrentBag<RtpPortLease>();
        Parallel.For(0, 150, i =>
        {
            if (pool.TryLease(out _) is { } l)
            {
                leases.Add(l);
            }
        });
        Assert.That(leases.Select(l => l.RtpPort).Distinct().Count(), Is.EqualTo(leases.Count));
        Assert.That(leases.Count, Is.EqualTo(100));
        foreach (var l in leases)
        {
            l.Dispose();
        }
    }

    [Test]
    public void Rejects_a_nonsense_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RtpPortPool(IPAddress.Loopback, 30000, 30000));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RtpPortPool(IPAddress.Loopback, 80, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RtpPortPool(IPAddress.Loopback, 65000, 70000));
    }
}
