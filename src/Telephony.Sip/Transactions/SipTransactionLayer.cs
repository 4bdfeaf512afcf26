using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Stack;
using Telephony.Sip.Timers;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Transactions;

/// <summary>
/// The transaction layer (§17): two tables (client, server) keyed by the §17.1.3 / §17.2.3
/// matching keys — dictionaries, never fixed-size, and each entry leaves when its machine reaches
/// Terminated. Routes incoming messages to transactions or to the TU, handles CANCEL (§9.2), and
/// sends on behalf of the transactions.
/// </summary>
internal sealed class SipTransactionLayer : ISipTransactionHost
{
    private readonly ConcurrentDictionary<SipTransactionKey, SipClientTransaction> _client = new();
    private readonly ConcurrentDictionary<SipTransactionKey, SipServerTransaction> _server = new();
    private readonly SipTransportManager _transports;
    private readonly Func<ISipTransactionUser> _tu;
    private readonly Func<IPAddress?, bool> _mayLogRejection;

    /// <param name="mayLogRejection">The endpoint's per-source budget for lines about rejected messages (null: always log).</param>
    public SipTransactionLayer(SipTransportManager transports, SipTimerQueue timers, SipTimerSettings settings, ILogger logger, Func<ISipTransactionUser> tu,
        Func<IPAddress?, bool>? mayLogRejection = null)
    {
        _mayLogRejection = mayLogRejection ?? (static _ => true);
        settings.Validate();
        _transports = transports;
        Timers = timers;
        TimerSettings = settings;
        Logger = logger;
        _tu = tu;
        transports.Tcp.ConnectionClosed += OnConnectionClosed;
        transports.Tls.ConnectionClosed += OnConnectionClosed;
    }

    /// <summary>
    /// A TCP or TLS connection closed. Client transactions on it that have heard nothing yet (Calling,
    /// Trying) fail now as a transport error (§17.1.4) instead of at Timer B/F: the peer most likely
    /// never took the request (e.g. it refused the connection over its limit). Transactions that
    /// already got a provisional stay: §18.2.2 lets the server answer on a new connection.
    /// </summary>
    private void OnConnectionClosed(SipTcpConnection connection)
    {
        foreach (var tx in _client.Values)
        {
            if (ReferenceEquals(tx.Flow.Channel, connection))
                tx.OnConnectionLost(new SipTransportException($"{connection.Protocol.ToViaToken()} connection to {connection.Remote} closed ({connection.CloseReason})."));
        }
    }

    public SipTimerQueue Timers { get; }
    public SipTimerSettings TimerSettings { get; }
    public ILogger Logger { get; }

    /// <summary>(side, error) when a transaction fails; for metrics.</summary>
    public event Action<string, string>? TransactionFailed;

    public int ClientCount => _client.Count;
    public int ServerCount => _server.Count;

    /// <summary>The endpoint stops: every client transaction still waiting completes with a local 503 so no TU awaits forever.</summary>
    public void FailAllClientTransactions()
    {
        foreach (var tx in _client.Values) tx.OnTransportError(new SipTransportException("The SIP endpoint stopped."));
    }

    // ---------- keys ----------

    /// <summary>§17.2.3 server key; RFC 2543 fallback when the branch lacks the magic cookie.</summary>
    internal static bool TryServerKey(SipRequest request, out SipTransactionKey key)
    {
        var via = request.TopVia;
        if (via is null)
        {
            key = default;
            return false;
        }
        string method = request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method;
        key = via.IsRfc3261Branch
            ? new SipTransactionKey(via.Branch!, SentBy(via), method)
            : new SipTransactionKey(Rfc2543Key(request, via), "", method);
        return true;
    }

    private static string SentBy(ViaHeader via) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{via.Host.ToLowerInvariant()}:{via.Port ?? 0}");

    /// <summary>
    /// §17.2.3 for RFC 2543 peers: Request-URI, From tag, Call-ID, CSeq number and the top Via.
    /// The To tag is left out so the ACK (whose To carries our tag) still finds the INVITE.
    /// </summary>
    private static string Rfc2543Key(SipRequest request, ViaHeader via) =>
        string.Join('|', "2543", request.RequestUri.ToString(), request.From?.Tag ?? "", request.CallId ?? "",
            request.CSeq?.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", via.ToString());

    /// <summary>§17.1.3 client key: top Via branch + CSeq method.</summary>
    internal static bool TryClientKey(SipMessage message, out SipTransactionKey key)
    {
        var branch = message.TopVia?.Branch;
        var method = message.CSeq?.Method;
        if (branch is null || method is null)
        {
            key = default;
            return false;
        }
        key = new SipTransactionKey(branch, "", method);
        return true;
    }

    // ---------- incoming ----------

    /// <summary>A request that passed validation arrived (§17.2.3 matching, then the TU).</summary>
    public void OnRequest(SipRequest request, SipFlow flow)
    {
        if (!TryServerKey(request, out var key)) return;
        var tu = _tu();
        if (request.Method == SipMethods.Ack)
        {
            if (_server.TryGetValue(key, out var match) && match is InviteServerTransaction invite)
            {
                invite.OnAck(request);
            }
            else
            {
                // ACK for a 2xx: its own transaction, end to end (§17.1.1.3); the dialog takes it.
                Invoke(() => tu.OnAck(request, flow, null));
            }
            return;
        }
        if (_server.TryGetValue(key, out var existing))
        {
            existing.OnRequestRetransmission();
            return;
        }
        SipServerTransaction tx = request.Method == SipMethods.Invite
            ? new InviteServerTransaction(this, request, flow, key)
            : new NonInviteServerTransaction(this, request, flow, key);
        if (!_server.TryAdd(key, tx))
        {
            if (_server.TryGetValue(key, out existing)) existing.OnRequestRetransmission();
            return;
        }
        if (tx is InviteServerTransaction ist) ist.Start();
        else ((NonInviteServerTransaction)tx).Start();

        if (request.Method == SipMethods.Cancel)
        {
            OnCancel(tx, key, tu);
            return;
        }
        try { tu.OnRequest(tx); }
        catch (Exception ex) { Logger.TransactionUserFailedOn(ex, request.Method); }
    }

    /// <summary>§9.2: CANCEL matches the INVITE server transaction with the same key but method INVITE.</summary>
    private void OnCancel(SipServerTransaction cancelTx, SipTransactionKey cancelKey, ISipTransactionUser tu)
    {
        var inviteKey = cancelKey with { Method = SipMethods.Invite };
        if (_server.TryGetValue(inviteKey, out var match) && match is InviteServerTransaction invite)
        {
            bool cancelled = invite.OnCancel();
            cancelTx.TrySendResponse(SipTxnMessages.LocalResponse(cancelTx.Request, 200, "OK"));
            if (cancelled) Invoke(() => tu.OnCancel(invite, cancelTx.Request));
        }
        else
        {
            if (_mayLogRejection(cancelTx.Flow.Remote?.Address)) Logger.CancelMatchesNoInvite();
            cancelTx.TrySendResponse(SipTxnMessages.LocalResponse(cancelTx.Request, 481, "Call/Transaction Does Not Exist"));
        }
    }

    /// <summary>A response arrived (§17.1.3 matching; unmatched ones go to the TU as stray).</summary>
    public void OnResponse(SipResponse response, SipFlow flow)
    {
        if (TryClientKey(response, out var key) && _client.TryGetValue(key, out var tx))
        {
            tx.OnResponse(response);
            return;
        }
        var tu = _tu();
        Invoke(() => tu.OnStrayResponse(response, flow, null));
    }

    // ---------- outgoing ----------

    /// <summary>Creates and starts a client transaction for <paramref name="request"/> (whose top Via has our branch) on <paramref name="flow"/>.</summary>
    public SipClientTransaction StartClientTransaction(SipRequest request, SipFlow flow, Action<SipResponse>? onProvisional)
    {
        if (request.Method == SipMethods.Ack) throw new ArgumentException("ACK has no client transaction; send it statelessly.", nameof(request));
        if (!TryClientKey(request, out var key)) throw new ArgumentException("The request needs a top Via with a branch and a CSeq.", nameof(request));
        var bytes = SipTxnMessages.Serialize(request);
        SipClientTransaction tx = request.Method == SipMethods.Invite
            ? new InviteClientTransaction(this, request, bytes, flow, key, onProvisional)
            : new NonInviteClientTransaction(this, request, bytes, flow, key, onProvisional);
        if (!_client.TryAdd(key, tx)) throw new InvalidOperationException($"A client transaction with branch {key.Branch} and method {key.Method} already exists.");
        try
        {
            tx.Start();
        }
        catch
        {
            Terminated(tx); // e.g. the endpoint was stopped meanwhile: leave no orphan in the table
            throw;
        }
        return tx;
    }

    public void Send(SipTransaction owner, SipFlow flow, ReadOnlyMemory<byte> data)
    {
        ValueTask pending;
        try
        {
            pending = _transports.SendAsync(flow, data, CancellationToken.None);
        }
        catch (Exception ex)
        {
            ReportSendFailure(owner, ex);
            return;
        }
        if (pending.IsCompletedSuccessfully) return;
        _ = AwaitSend(pending, owner);
    }

    private async Task AwaitSend(ValueTask pending, SipTransaction owner)
    {
        try { await pending.ConfigureAwait(false); }
        catch (Exception ex) { ReportSendFailure(owner, ex); }
    }

    // Always off the caller's stack: the caller may hold the transaction's lock mid-transition.
    private void ReportSendFailure(SipTransaction owner, Exception ex) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.owner.OnTransportError(s.ex), (owner, ex), preferLocal: false);

    /// <summary>§18.2.2 response routing (with RFC 3581 rport).</summary>
    public void SendResponse(SipServerTransaction owner, ReadOnlyMemory<byte> data)
    {
        var flow = owner.Flow;
        if (flow.Protocol.IsReliable())
        {
            if (flow.Connection is { IsOpen: true })
            {
                Send(owner, flow, data);
                return;
            }
            // The connection is gone: open one to the received address and the sent-by port.
            _ = ReconnectAndSend(owner, data);
            return;
        }
        Send(owner, ResponseFlow(owner.Request, flow), data);
    }

    private async Task ReconnectAndSend(SipServerTransaction owner, ReadOnlyMemory<byte> data)
    {
        try
        {
            var via = owner.Request.TopVia!;
            var target = new IPEndPoint(owner.Flow.Remote.Address, via.Port ?? owner.Flow.Protocol.DefaultPort());
            var flow = await _transports.GetFlowAsync(new SipDestination(owner.Flow.Protocol, target), CancellationToken.None).ConfigureAwait(false);
            await _transports.SendAsync(flow, data, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReportSendFailure(owner, ex);
        }
    }

    /// <summary>
    /// §18.2.2 for UDP: with rport (RFC 3581) back to the source address and port; otherwise to the
    /// source address (= received) and the sent-by port, default 5060. Leaves from the socket the
    /// request came in on. maddr is not supported (multicast) and is ignored.
    /// </summary>
    internal static SipFlow ResponseFlow(SipRequest request, SipFlow flow)
    {
        var via = request.TopVia;
        if (via is null || via.HasRPort) return flow;
        int port = via.Port ?? 5060;
        return port == flow.Remote.Port ? flow : SipTransportManager.Redirect(flow, new IPEndPoint(flow.Remote.Address, port));
    }

    public void Terminated(SipTransaction transaction)
    {
        switch (transaction)
        {
            case SipClientTransaction c:
                _client.TryRemove(new KeyValuePair<SipTransactionKey, SipClientTransaction>(c.Key, c));
                break;
            case SipServerTransaction s:
                _server.TryRemove(new KeyValuePair<SipTransactionKey, SipServerTransaction>(s.Key, s));
                break;
        }
    }

    public void ClientTransactionFailed(SipClientTransaction transaction, SipTransactionError error) =>
        TransactionFailed?.Invoke("client", error == SipTransactionError.Timeout ? "timeout" : "transport");

    public void ServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error)
    {
        TransactionFailed?.Invoke("server", error == SipTransactionError.Timeout ? "timeout" : "transport");
        var tu = _tu();
        Invoke(() => tu.OnServerTransactionFailed(transaction, error));
    }

    public void AckForAccepted(SipServerTransaction transaction, SipRequest ack)
    {
        var tu = _tu();
        Invoke(() => tu.OnAck(ack, transaction.Flow, transaction));
    }

    public void Additional2xx(SipClientTransaction transaction, SipResponse response)
    {
        var tu = _tu();
        Invoke(() => tu.OnStrayResponse(response, transaction.Flow, transaction));
    }

    private void Invoke(Action call)
    {
        try { call(); }
        catch (Exception ex) { Logger.TransactionUserCallbackFailed(ex); }
    }
}
