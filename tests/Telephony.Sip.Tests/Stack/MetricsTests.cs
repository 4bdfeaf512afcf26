using System.Diagnostics.Metrics;

namespace Telephony.Sip.Tests.Stack;

[CancelAfter(20_000)]
public class MetricsTests
{
    [Test]
    public async Task Received_dropped_and_active_instruments_report_on_the_Telephony_Sip_meter()
    {
        await using var server = await StartEndpointAsync(new AnsweringUser());
        await using var client = await StartEndpointAsync(new AnsweringUser());
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Telephony.Sip") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => totals.AddOrUpdate(i.Name, v, (_, o) => o + v));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => totals.AddOrUpdate(i.Name, v, (_, o) => o + v));
        listener.Start();

        await client.SendRequestAsync(Request("OPTIONS"), server.Destination(SipTransportProtocol.Udp));
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await raw.SendAsync(new byte[] { 1, 2, 3 }, server.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => totals.GetValueOrDefault("sip.messages.dropped") >= 1);
        listener.RecordObservableInstruments();

        Assert.That(totals.GetValueOrDefault("sip.messages.received"), Is.GreaterThanOrEqualTo(2), "request at the server, response at the client");
        Assert.That(totals.GetValueOrDefault("sip.transactions.active"), Is.GreaterThanOrEqualTo(1), "Timers J/K still hold them");
        Assert.That(totals.ContainsKey("sip.tcp.connections"), Is.True);
    }
}
