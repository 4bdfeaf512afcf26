using Telephony.Tests.Shared;

namespace Telephony.Server.Tests.Sip;

/// <summary>
/// The real server host under hostile input: a fixed-seed burst of mutated REGISTER/INVITE/OPTIONS
/// datagrams, a trickling TCP client and truncated TCP frames, while a well-behaved client keeps
/// getting 200 to OPTIONS; afterwards memory is bounded and a seat still registers with digest.
/// The hostile traffic comes from 127.0.0.2 so the auth-failure limiter never bans the good client.
/// </summary>
[NonParallelizable]
[CancelAfter(90_000)]
public sealed class HostileInputTests
{
    private const int Datagrams = 3000;
    private static readonly IPAddress Hostile = IPAddress.Parse("127.0.0.2");

    private static byte[][] Seeds(int serverPort, int hostilePort)
    {
        string Request(string method, string user, string extra) =>
            $"{method} sip:{user}@127.0.0.1:{serverPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:{hostilePort};branch=z9hG4bKfz{method};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:{user}@test.local>;tag=fz1\r\nTo: <sip:{user}@test.local>\r\nCall-ID: fuzz-{method}@127.0.0.2\r\n" +
            $"CSeq: 1 {method}\r\nContact: <sip:{user}@127.0.0.2:{hostilePort}>\r\n{extra}";
        const string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        return
        [
            Encoding.ASCII.GetBytes(Request("REGISTER", "1001", "Expires: 600\r\nContent-Length: 0\r\n\r\n")),
            Encoding.ASCII.GetBytes(Request("INVITE", "1002", $"Content-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}")),
            Encoding.ASCII.GetBytes(Request("OPTIONS", "anyone", "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n")),
        ];
    }

    [Test]
    public async Task Server_survives_mutated_floods_tricklers_and_truncated_frames_and_still_registers()
    {
        await using var server = new SipServerFixture(settings: new Dictionary<string, string> { ["Sip:TcpMessageTimeoutSeconds"] = "2" });
        int udpPort = server.Port(SipTransportProtocol.Udp);
        var tcp = new IPEndPoint(IPAddress.Loopback, server.Port(SipTransportProtocol.Tcp));
        using var good = new RawUdp();
        Assert.That((await good.RequestAsync(good.Request("OPTIONS", "anyone", udpPort, "warm-0"), udpPort)).StatusCode, Is.EqualTo(200));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = GC.GetGCMemoryInfo().HeapSizeBytes;
        long workingSetBefore = Environment.WorkingSet;

        // A trickler: one byte of a request every 300 ms; the server must cut it off (Sip:TcpMessageTimeoutSeconds = 2).
        using var trickler = new TcpClient(new IPEndPoint(Hostile, 0));
        await trickler.ConnectAsync(tcp);
        var trickle = TrickleAsync(trickler);

        // Truncated frames: a header block cut short, and a body shorter than its Content-Length, then close.
        for (int i = 0; i < 20; i++)
        {
            using var c = new TcpClient(new IPEndPoint(Hostile, 0));
            await c.ConnectAsync(tcp);
            var text = i % 2 == 0
                ? $"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2;branch=z9hG4bKt{i}\r\nCall-"
                : $"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2;branch=z9hG4bKt{i}\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: t{i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 500\r\n\r\nonly-a-little";
            await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text));
        }

        // The mutated datagram burst (fixed seed), with a good OPTIONS every 250 datagrams.
        using var hostile = new UdpClient(new IPEndPoint(Hostile, 0));
        var seeds = Seeds(udpPort, ((IPEndPoint)hostile.Client.LocalEndPoint!).Port);
        var rng = new Random(12345);
        var target = new IPEndPoint(IPAddress.Loopback, udpPort);
        int answered = 0;
        for (int i = 0; i < Datagrams; i++)
        {
            var datagram = i % 10 == 0 ? SipMutator.RandomBytes(rng) : SipMutator.Mutate(seeds[rng.Next(seeds.Length)], rng);
            if (datagram.Length is > 0 and <= 65_000)
            {
                await hostile.SendAsync(datagram, target);
            }
            if (i % 250 == 249)
            {
                var ok = await good.RequestAsync(good.Request("OPTIONS", "anyone", udpPort, $"live-{i}"), udpPort);
                Assert.That(ok.StatusCode, Is.EqualTo(200), $"OPTIONS during the burst, after datagram {i}");
                answered++;
            }
        }
        Assert.That(answered, Is.EqualTo(Datagrams / 250));

        Assert.That(await trickle, Is.True, "the trickling TCP client was disconnected");
        var endpoint = server.Host.UserAgent.Endpoint;
        Assert.That(endpoint.DroppedMessages, Is.GreaterThan(Datagrams / 10), "malformed input was counted");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (endpoint.ConnectionCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.That(endpoint.ConnectionCount, Is.EqualTo(0), "truncated and trickling connections are closed");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long after = GC.GetGCMemoryInfo().HeapSizeBytes;
        long workingSetAfter = Environment.WorkingSet;
        Assert.That(after - before, Is.LessThan(64L * 1024 * 1024), $"managed heap grew from {before} to {after} bytes");
        Assert.That(workingSetAfter - workingSetBefore, Is.LessThan(256L * 1024 * 1024), $"working set grew from {workingSetBefore} to {workingSetAfter} bytes");
        Assert.That(endpoint.ServerTransactionCount, Is.LessThan(Datagrams), "transactions are bounded by what was sent");
        await TestContext.Out.WriteLineAsync($"dropped {endpoint.DroppedMessages}, server transactions {endpoint.ServerTransactionCount}, heap {before} -> {after} bytes, working set {workingSetBefore} -> {workingSetAfter} bytes");

        // The registrar still works: a seat registers with digest.
        await using var seat = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions
        {
            LocalUri = "sip:1003@test.local", Username = "1003", Password = "pw-1003",
        });
        var response = await seat.RegisterAsync($"sip:127.0.0.1:{udpPort}", 600);
        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(await server.Locations.GetBindingsAsync("sip:1003@test.local"), Has.Count.EqualTo(1));
        Assert.That((await good.RequestAsync(good.Request("OPTIONS", "anyone", udpPort, "after"), udpPort)).StatusCode, Is.EqualTo(200));
    }

    /// <summary>Writes a request one byte at a time until the server closes the connection; true when it did.</summary>
    private static async Task<bool> TrickleAsync(TcpClient client)
    {
        var bytes = Encoding.ASCII.GetBytes("OPTIONS sip:anyone@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2;branch=z9hG4bKtrickle\r\nMax-Forwards: 70\r\n");
        var stream = client.GetStream();
        var read = new byte[256];
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var closed = stream.ReadAsync(read, giveUp.Token).AsTask();
        try
        {
            foreach (var b in bytes)
            {
                if (closed.IsCompleted) return await closed == 0;
                await stream.WriteAsync(new[] { b }, giveUp.Token);
                await Task.Delay(300, giveUp.Token);
            }
            return await closed == 0; // the whole request never completed: the server must still drop it
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
