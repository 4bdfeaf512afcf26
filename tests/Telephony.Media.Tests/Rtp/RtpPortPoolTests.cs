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

        var freed = leases[1].RtpPort;
        leases[1].Dispose();
        leases[1].Dispose(); // twice is harmless: the port goes back once
        Assert.That(pool.InUse, Is.EqualTo(3));
        var again = pool.TryLease(out _);
        Assert.That(again!.RtpPort, Is.EqualTo(freed), "the one free pair, rested or not");
        Assert.That(pool.TryLease(out _), Is.Null);
        again.Dispose();
        leases.ForEach(l => l.Dispose());
        Assert.That(pool.InUse, Is.EqualTo(0));
    }

    [Test]
    public void Skips_ports_another_process_holds_and_rests_freed_ports()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 30021)); // the RTCP port of the first pair
        var pool = new RtpPortPool(IPAddress.Loopback, 30020, 30027);
        var first = pool.TryLease(out _)!;
        var second = pool.TryLease(out _)!;
        Assert.That(new[] { first.RtpPort, second.RtpPort }, Is.Unique.And.All.Not.EqualTo(30020), "the squatted pair is never handed out");
        var freed = second.RtpPort;
        second.Dispose();
        using var third = pool.TryLease(out _)!;
        Assert.That(third.RtpPort, Is.Not.EqualTo(freed).And.Not.EqualTo(first.RtpPort), "a freed pair rests while another is free");
        using var fourth = pool.TryLease(out _)!;
        Assert.That(fourth.RtpPort, Is.EqualTo(freed), "a resting pair is still taken when nothing else is free");
        first.Dispose();
    }

    [Test]
    public void Ports_are_handed_out_in_no_guessable_order()
    {
        // Issue 10, finding 1: sequential ports let an attacker find a live call's media port.
        var pool = new RtpPortPool(IPAddress.Loopback, 31000, 31999);
        var leases = Enumerable.Range(0, 12).Select(_ => pool.TryLease(out string? _)!).ToList();
        try
        {
            var ports = leases.Select(l => l.RtpPort).ToList();
            var steps = ports.Zip(ports.Skip(1), (a, b) => b - a).ToList();
            Assert.That(steps.Count(step => step == 2), Is.LessThan(4), "not one pair after the other: " + string.Join(",", ports));
        }
        finally
        {
            leases.ForEach(l => l.Dispose());
        }
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
