namespace Telephony.Sip.Tests.Transactions;

/// <summary>
/// The table is a dictionary whose entries leave when their machines terminate: after a burst and
/// the timers running out it is empty (the library we replace filled a fixed-size table under load).
/// </summary>
[CancelAfter(60_000)]
public class TransactionTableTests
{
    [TestCase(SipTransportProtocol.Udp)]
    [TestCase(SipTransportProtocol.Tcp)]
    public async Task After_a_burst_and_the_timers_running_out_both_tables_are_empty(SipTransportProtocol protocol)
    {
        var clock = new FakeTimeProvider();
        int n = 0;
        var serverUser = new AnsweringUser
        {
            // INVITEs alternate 200 (Accepted, Timer L/M) and 486 (ACK, Timers I/D); the rest get 200.
            Answer = tx => SipResponseBuilder.CreateResponse(tx.Request,
                tx.Request.Method == SipMethods.Invite && Interlocked.Increment(ref n) % 2 == 0 ? 486 : 200).Build(),
        };
        await using var server = await StartEndpointAsync(serverUser, clock);
        await using var client = await StartEndpointAsync(new AnsweringUser(), clock);
        var destination = server.Destination(protocol);

        const int Batches = 5, PerBatch = 50;
        int finals = 0;
        for (int b = 0; b < Batches; b++)
        {
            var batch = Enumerable.Range(0, PerBatch).Select(i => client.SendRequestAsync(Request(i % 5 == 0 ? "INVITE" : "OPTIONS"), destination));
            foreach (var r in await Task.WhenAll(batch))
            {
                Assert.That(r.StatusCode, Is.EqualTo(200).Or.EqualTo(486));
                finals++;
            }
        }
        Assert.That(finals, Is.EqualTo(Batches * PerBatch));
        Assert.That(serverUser.Requests, Has.Count.EqualTo(Batches * PerBatch));
        if (protocol == SipTransportProtocol.Udp)
        {
            Assert.That(client.ClientTransactionCount + server.ServerTransactionCount, Is.GreaterThan(0), "Timers K/J/D/I/L/M still hold them");
        }

        // Let every ACK land, then run the clock past the longest wait (64·T1 = 32 s).
        await WaitUntil(() => serverUser.Requests.Where(t => t.IsInvite).All(t => t.State != SipTransactionState.Completed));
        clock.Advance(TimeSpan.FromSeconds(33));

        Assert.That(client.ClientTransactionCount, Is.Zero);
        Assert.That(server.ServerTransactionCount, Is.Zero);
        Assert.That(client.TimerCount, Is.EqualTo(1), "only the TCP housekeeping sweep");
        Assert.That(server.TimerCount, Is.EqualTo(1));
    }
}
