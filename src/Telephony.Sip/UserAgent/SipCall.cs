using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Auth;
using Telephony.Sip.Dialogs;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// One call (an INVITE dialog, §13–§15) with one mailbox: every SIP event and every application
/// command is a work item in one <see cref="CallMailbox"/>, run one at a time, so the call's
/// state needs no locks. Commands return when their part on the wire is done; network waits
/// (the response to a BYE, re-INVITE, REFER …) happen outside the loop and post their results back.
/// </summary>
// This file: state, public surface, the mailbox. By concern: SipCall.Uac.cs (our INVITE), SipCall.Uas.cs
// (the INVITE we answer), SipCall.InDialogReceive.cs / SipCall.InDialogSend.cs (requests inside the dialog).
public sealed partial class SipCall
{
    private readonly SipUserAgent _ua;
    private readonly CallMailbox _mailbox;
    private readonly Channel<CallEvent> _events;
    private readonly TaskCompletionSource<CallEnded> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // outgoing (UAC)
    private readonly SipDestination _destination;
    private readonly DigestClient? _digest;
    private SipClientTransaction? _inviteTx;
    private int _authAttempts;
    private readonly Dictionary<string, Dialog> _early = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tag, uint CSeq), SipRequest> _acks = [];
    private readonly Dictionary<string, Dialog> _extraDialogs = new(StringComparer.Ordinal);
    private bool _hangupRequested;

    // incoming (UAS)
    private readonly SipServerTransaction? _serverTx;
    private SipServerTransaction? _reinviteTx;
    private SipResponse? _pending2xx;
    private SipServerTransaction? _pending2xxTx;
    private int _retransmitGeneration;
    private SipTimer? _retransmitTimer;

    // both
    private SipRequest _invite;
    private Dialog? _dialog;
    private int _state = (int)CallState.Setup;
    private bool _reinvitePending;
    private int _holdsCallSlot; // 1 while this incoming call counts toward SipUserAgentOptions.MaxCalls

    /// <summary>Outgoing call.</summary>
    internal SipCall(SipUserAgent ua, SipRequest invite, SipDestination destination)
    {
        _ua = ua;
        _invite = invite;
        _destination = destination;
        Direction = CallDirection.Outgoing;
        CallId = invite.CallId!;
        LocalTag = invite.From!.Tag!;
        LocalSdp = invite.Body;
        _digest = ua.Options.Username is { } u && ua.Options.Password is { } p ? new DigestClient(u, p) : null;
        _events = NewEventChannel(ua.Options.EventCapacity);
        _mailbox = new CallMailbox(RunWorkAsync, BeginLogScope);
    }

    /// <summary>Incoming call.</summary>
    internal SipCall(SipUserAgent ua, SipServerTransaction transaction, SipCall? replaced)
    {
        _ua = ua;
        _serverTx = transaction;
        _invite = transaction.Request;
        Direction = CallDirection.Incoming;
        CallId = _invite.CallId!;
        LocalTag = SipIds.NewTag();
        RemoteSdp = _invite.Body;
        Replaced = replaced;
        _holdsCallSlot = 1; // the UA claimed it before creating us
        _events = NewEventChannel(ua.Options.EventCapacity);
        _mailbox = new CallMailbox(RunWorkAsync, BeginLogScope);
    }

    private static Channel<CallEvent> NewEventChannel(int capacity) =>
        Channel.CreateBounded<CallEvent>(new BoundedChannelOptions(Math.Max(8, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });

    /// <summary>The Call-ID.</summary>
    public string CallId { get; }

    /// <summary>Who called whom.</summary>
    public CallDirection Direction { get; }

    /// <summary>Our tag (From tag when we call, To tag when we answer).</summary>
    public string LocalTag { get; }

    /// <summary>The peer's tag of the established (or first early) dialog; null before there is one.</summary>
    public string? RemoteTag => _dialog?.Id.RemoteTag;

    /// <summary>The initial INVITE (ours, or the one we received): its Request-URI is the dialled target.</summary>
    public SipRequest Invite => _invite;

    /// <summary>The caller (incoming) or callee (outgoing) address.</summary>
    public NameAddress? RemoteParty => Direction == CallDirection.Incoming ? _invite.From : _invite.To;

    /// <summary>The call this one replaces (an incoming INVITE with Replaces, RFC 3891); the app ends it.</summary>
    public SipCall? Replaced { get; }

    /// <summary>Current state (may be read from any thread).</summary>
    public CallState State => (CallState)Volatile.Read(ref _state);

    /// <summary>Our current session description.</summary>
    public ReadOnlyMemory<byte> LocalSdp { get; private set; }

    /// <summary>The peer's current session description.</summary>
    public ReadOnlyMemory<byte> RemoteSdp { get; private set; }

    /// <summary>The call's events, in order; completes after <see cref="CallEnded"/>.</summary>
    public ChannelReader<CallEvent> Events => _events.Reader;

    /// <summary>Completes when the call ends.</summary>
    public Task<CallEnded> Completion => _ended.Task;

    internal bool HasDialog(string localTag, string remoteTag) =>
        LocalTag == localTag && (_dialog?.Id.RemoteTag == remoteTag || _early.ContainsKey(remoteTag));

    // ================================================================ mailbox

    internal void Post(Func<Task> work)
    {
        if (!_mailbox.TryPost(work))
        {
            _ua.Logger.CallEventAfterClose(CallId);
        }
    }

    private Task<T> Invoke<T>(Func<Task<T>> action)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = async () =>
        {
            try
            {
                tcs.TrySetResult(await action().ConfigureAwait(false));
            }
            catch (Exception e)
            {
                tcs.TrySetException(e);
            }
        };
        if (!_mailbox.TryPost(work))
        {
            tcs.TrySetException(new InvalidOperationException("the call is over"));
        }
        return tcs.Task;
    }

    private IDisposable? BeginLogScope() => _ua.Logger.BeginScope("Call-ID {CallId}", CallId);

    /// <summary>Runs one mailbox item; a failure is logged and ends the call (with a BYE when there is a dialog).</summary>
    private async Task RunWorkAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _ua.Logger.CallWorkFailed(e, CallId);
            if (State != CallState.Ended)
            {
                await TryByeAsync().ConfigureAwait(false);
                End(CallEndReason.Failed, 500, e.Message);
            }
        }
    }

    private void Emit(CallEvent e)
    {
        if (!_events.Writer.TryWrite(e))
        {
            _ua.Logger.CallEventDropped(CallId, e.GetType().Name);
        }
    }

    private void End(CallEndReason reason, int statusCode, string detail)
    {
        if (State == CallState.Ended)
        {
            return;
        }
        Volatile.Write(ref _state, (int)CallState.Ended);
        ReleaseCallSlot(); // an ended call no longer counts toward MaxCalls, though it stays reachable below
        _dialog?.Terminate();
        StopRetransmitting();
        var ended = new CallEnded(reason, statusCode, detail);
        _ua.Logger.CallEnd(CallId, reason, statusCode, detail);
        Emit(ended);
        _events.Writer.TryComplete();
        _ended.TrySetResult(ended);
        // Keep the call reachable for retransmissions (a 2xx, a BYE) for 64*T1, then close the mailbox.
        if (TrySchedule(64 * _ua.T1, static s => ((SipCall)s!).Close(), this) is null)
        {
            Close();
        }
    }

    /// <summary>Forgets the call and closes its mailbox (after the linger period, or when the UA shuts down).</summary>
    internal void Close()
    {
        ReleaseCallSlot();
        _ua.Forget(this);
        _mailbox.Close();
    }

    private void ReleaseCallSlot()
    {
        if (Interlocked.Exchange(ref _holdsCallSlot, 0) == 1)
        {
            _ua.ReleaseCallSlot();
        }
    }

    /// <summary>Schedules on the endpoint's shared timer queue; null once the endpoint is gone.</summary>
    private SipTimer? TrySchedule(TimeSpan dueIn, Action<object?> callback, object? state)
    {
        try
        {
            return _ua.Endpoint.Timers.Schedule(dueIn, callback, state);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    // ================================================================ helpers

    private string LocalAddressText() => _invite.From!.WithoutParameter("tag").ToString();

    private string RemoteAddressText() => _invite.To!.WithoutParameter("tag").ToString();

    private static IEnumerable<string> RecordRoutes(SipMessage message) => message.GetHeaderLines(SipHeaderNames.RecordRoute);

    private static bool IsSdp(SipMessage message) => !message.Body.IsEmpty && message.ContentType?.Is("application", "sdp") == true;

    /// <summary>§12.2: a target refresh (re-INVITE, UPDATE) or its 2xx carries the peer's new remote target in its Contact.</summary>
    private static void RefreshTarget(Dialog dialog, SipMessage message)
    {
        if (message.Contacts.Count > 0)
        {
            dialog.UpdateRemoteTarget(message.Contacts[0].ToString());
        }
    }

    /// <summary>An SDP body from the peer (offer or answer) becomes <see cref="RemoteSdp"/> and is announced; false when there is none.</summary>
    private bool TakeRemoteSdp(SipMessage message)
    {
        if (!IsSdp(message))
        {
            return false;
        }
        RemoteSdp = message.Body;
        Emit(new RemoteSdpChanged(message.Body));
        return true;
    }

    /// <summary>What a failed in-dialog send (ACK, BYE, NOTIFY) throws: logged, never fatal to the call.</summary>
    private static bool IsSendFailure(Exception e) => e is SipTransportException or System.Net.Sockets.SocketException or ArgumentException;

    /// <summary>Escapes a value for a URI header (RFC 3261 §25.1 hnv-unreserved / unreserved; everything else %XX).</summary>
    internal static string EscapeUriHeader(string value)
    {
        var sb = new StringBuilder(value.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()[]/?:+$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
