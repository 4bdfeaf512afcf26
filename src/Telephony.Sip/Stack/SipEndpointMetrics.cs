using System.Diagnostics.Metrics;

namespace Telephony.Sip.Stack;

/// <summary>
/// The endpoint's instruments on the "Telephony.Sip" meter (System.Diagnostics.Metrics, exported
/// by the server for Prometheus/OpenTelemetry). Tags have a small fixed set of values only.
/// </summary>
internal sealed class SipEndpointMetrics : IDisposable
{
    public const string MeterName = "Telephony.Sip";
    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _transactionFailures;

    public SipEndpointMetrics(SipEndpoint endpoint)
    {
        _meter = new Meter(MeterName);
        _received = _meter.CreateCounter<long>("sip.messages.received", "{message}", "SIP messages parsed from the network");
        _dropped = _meter.CreateCounter<long>("sip.messages.dropped", "{message}", "Malformed or invalid SIP messages dropped (answered 400 when possible)");
        _transactionFailures = _meter.CreateCounter<long>("sip.transactions.failed", "{transaction}", "Transactions ended by a timeout or a transport error");
        _meter.CreateObservableGauge("sip.transactions.active", () => new[]
        {
            new Measurement<int>(endpoint.ClientTransactionCount, new KeyValuePair<string, object?>("side", "client")),
            new Measurement<int>(endpoint.ServerTransactionCount, new KeyValuePair<string, object?>("side", "server")),
        }, "{transaction}", "Live transactions in the tables");
        _meter.CreateObservableGauge("sip.tcp.connections", () => endpoint.ConnectionCount, "{connection}", "Open TCP connections");
    }

    public void Received(string transport, bool request) =>
        _received.Add(1, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("kind", request ? "request" : "response"));

    public void Dropped(string transport, string reason) =>
        _dropped.Add(1, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("reason", reason));

    public void TransactionFailed(string side, string error) =>
        _transactionFailures.Add(1, new KeyValuePair<string, object?>("side", side), new KeyValuePair<string, object?>("error", error));

    public void Dispose() => _meter.Dispose();
}
