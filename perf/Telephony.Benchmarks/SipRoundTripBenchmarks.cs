using System.Net;
using BenchmarkDotNet.Attributes;
using Telephony.Sip.Messages;
using Telephony.Sip.Stack;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Benchmarks;

/// <summary>
/// OPTIONS → 200 round trip over loopback UDP through the whole stack on both sides: client
/// transaction (Via stamping, serialisation), UDP send, server parse + rport/received stamping +
/// server transaction + TU answer + response routing, client parse + matching. Allocations are
/// process-wide, i.e. client and server together. <c>Concurrent</c> requests are in flight at once.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SipRoundTripBenchmarks
{
    private SipEndpoint _server = null!;
    private SipEndpoint _client = null!;
    private SipDestination _destination;
    private SipRequest _template = null!;

    [Params(1, 32)]
    public int Concurrent { get; set; }

    private sealed class OkUser : ISipTransactionUser
    {
        public void OnRequest(SipServerTransaction transaction) =>
            transaction.TrySendResponse(SipResponseBuilder.CreateResponse(transaction.Request, 200).Build());
    }

    [GlobalSetup]
    public void Setup()
    {
        _server = Start(new OkUser());
        _client = Start(new OkUser());
        _destination = SipDestination.Udp(_server.LocalEndPoints.First(e => e.Protocol == SipTransportProtocol.Udp).EndPoint);
        var b = new SipRequestBuilder(SipMethods.Options, SipUri.Parse("sip:service@127.0.0.1"));
        b.AddHeader(SipHeaderNames.From, "<sip:bench@127.0.0.1>;tag=bench1");
        b.AddHeader(SipHeaderNames.To, "<sip:service@127.0.0.1>");
        b.SetCallId("bench-call@127.0.0.1");
        b.SetCSeq(1, SipMethods.Options);
        b.SetMaxForwards(70);
        _template = b.Build();
    }

    private static SipEndpoint Start(ISipTransactionUser user)
    {
        var options = new SipEndpointOptions();
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        var endpoint = new SipEndpoint(options, user);
        endpoint.StartAsync().GetAwaiter().GetResult();
        return endpoint;
    }

    [Benchmark(Description = "OPTIONS round trips (UDP loopback)")]
    public async Task RoundTrips()
    {
        var pending = new Task<SipResponse>[Concurrent];
        for (int i = 0; i < pending.Length; i++) pending[i] = _client.SendRequestAsync(_template, _destination);
        foreach (var t in pending)
        {
            var r = await t.ConfigureAwait(false);
            if (r.StatusCode != 200) throw new InvalidOperationException($"got {r.StatusCode}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
