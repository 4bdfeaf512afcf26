using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Ivr;

namespace Telephony.Calls.Trunks;

/// <summary>
/// The one dial plan: which outside numbers a call may dial, and where. A number may be dialled when it is
/// in the directory (emergency services, partner hotlines, departments' duty lines; open now unless an
/// emergency service), when the IVR script's transfer steps name it, or (not for the IVR) when it belongs
/// to a citizen who contacted us: the caller of the call asking, or a number with a call record or a case.
/// Anything else is refused with a sentence and logged (toll-fraud guard). Every call leaves through the
/// configured trunk only (<c>Trunks:OutboundUri</c>).
/// <para>
/// The API for everything that dials out (transfers, three-party calls, callbacks):
/// <see cref="ResolveAsync"/> → <see cref="DialResolution"/> (a <see cref="DialTarget"/> or a refusal).
/// <see cref="ResolveKnown"/> answers at once from what the plan holds in memory (the directory as last
/// read and the script), for decisions that cannot wait for the database (a REFER's answer).
/// </para>
/// </summary>
public sealed class DialPlan
{
    /// <summary>How long the directory read from the database is used before it is read again.</summary>
    public static readonly TimeSpan DirectoryMaxAge = TimeSpan.FromSeconds(30);

    private readonly TrunkPolicy _trunks;
    private readonly IvrScriptProvider _scripts;
    private readonly IDirectoryStore? _directory;
    private readonly ICallRecordStore? _callRecords;
    private readonly ICaseStore? _cases;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private volatile DirectorySnapshot _known = DirectorySnapshot.Empty;

    /// <summary>
    /// The plan over the trunk and the script; with <paramref name="directory"/> the directory's entries, with
    /// <paramref name="callRecords"/> and <paramref name="cases"/> the citizens who contacted us (without them: only
    /// the caller of the call asking).
    /// </summary>
    public DialPlan(TrunkPolicy trunks, IvrScriptProvider scripts, IDirectoryStore? directory = null, ICallRecordStore? callRecords = null,
        ICaseStore? cases = null, TimeProvider? time = null, ILogger<DialPlan>? log = null)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        ArgumentNullException.ThrowIfNull(scripts);
        _trunks = trunks;
        _scripts = scripts;
        _directory = directory;
        _callRecords = callRecords;
        _cases = cases;
        _time = time ?? TimeProvider.System;
        _log = (ILogger?)log ?? NullLogger.Instance;
    }

    /// <summary>The trunk policy the plan dials through (also who may call the service numbers).</summary>
    public TrunkPolicy Trunks => _trunks;

    /// <summary>Whether <paramref name="number"/> may be dialled for <paramref name="purpose"/>, and where; a refusal is logged.</summary>
    public async Task<DialResolution> ResolveAsync(string number, DialPurpose purpose, DialContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RefreshIfStaleAsync(ct).ConfigureAwait(false);
        var known = Decide(number, purpose, context);
        if (known.Allowed || known.Refusal != NotInDirectory || purpose == DialPurpose.IvrTransfer || !IsNumber(number))
        {
            return Logged(number, purpose, context, known);
        }
        // Not in the directory: a citizen who contacted us (a call or a case from that number) may be called.
        if (await ContactedUsAsync(number, ct).ConfigureAwait(false) && Uri(number) is { } uri)
        {
            return Logged(number, purpose, context, DialResolution.Allow(new DialTarget(number, uri, DialTargetKind.Citizen, number, null)));
        }
        return Logged(number, purpose, context, known);
    }

    /// <summary>
    /// The same rules from memory only (the directory as last read, the script, the caller of the call asking),
    /// at once; a citizen known only to the database is refused here. Refusals are logged.
    /// </summary>
    public DialResolution ResolveKnown(string number, DialPurpose purpose, DialContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_directory is not null && _known.ReadAt + DirectoryMaxAge < _time.GetUtcNow())
        {
            _ = RefreshAsync(CancellationToken.None); // the next decision has it
        }
        return Logged(number, purpose, context, Decide(number, purpose, context));
    }

    /// <summary>The directory's entries as the plan knows them now (read again when older than <see cref="DirectoryMaxAge"/>).</summary>
    public async Task<IReadOnlyList<DialTarget>> DirectoryAsync(CancellationToken ct = default)
    {
        await RefreshIfStaleAsync(ct).ConfigureAwait(false);
        return [.. _known.Entries.Values];
    }

    /// <summary>Reads the directory again now (after an edit, and in tests).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (_directory is null)
        {
            return;
        }
        try
        {
            var entries = new Dictionary<string, DialTarget>(StringComparer.Ordinal);
            foreach (var d in await _directory.ListDepartmentsAsync(ct).ConfigureAwait(false))
            {
                if (d.Active && d.Phone is { Length: > 0 } phone && IsNumber(phone))
                {
                    entries[phone] = new DialTarget(phone, "", DialTargetKind.Department, d.Name, d.Hours);
                }
            }
            foreach (var h in await _directory.ListPartnerHotlinesAsync(ct).ConfigureAwait(false))
            {
                if (IsNumber(h.Number))
                {
                    var kind = h.Kind == "emergency" ? DialTargetKind.Emergency : DialTargetKind.PartnerHotline;
                    entries[h.Number] = new DialTarget(h.Number, "", kind, h.Name, h.Hours);
                }
            }
            _known = new DirectorySnapshot(entries, _time.GetUtcNow());
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // The database is away: the plan goes on with what it read last (never with nothing but the script
            // when it had a directory), and tries again at the next decision after a short wait.
            _known = _known with { ReadAt = _time.GetUtcNow() - DirectoryMaxAge + TimeSpan.FromSeconds(5) };
            DialPlanLog.DirectoryUnreadable(_log, e.Message);
        }
    }

    private const string NotInDirectory = "That number is not in the directory, and no citizen has contacted us from it.";

    private DialResolution Decide(string number, DialPurpose purpose, DialContext context)
    {
        if (!IsNumber(number))
        {
            return DialResolution.Refuse("That is not a phone number (digits only).");
        }
        if (Uri(number) is not { } uri)
        {
            return DialResolution.Refuse("No outside calls: the centre has no outbound trunk (Trunks:OutboundUri).");
        }
        if (_known.Entries.TryGetValue(number, out var entry))
        {
            if (entry.Kind != DialTargetKind.Emergency && _scripts.Current is { } script && OpeningHours.IsOpen(entry.Hours, script.LocalTime(_time.GetUtcNow())) == false)
            {
                return DialResolution.Refuse($"{entry.Name} ({number}) takes calls {entry.Hours}; it is closed now.");
            }
            return DialResolution.Allow(entry with { Uri = uri });
        }
        if (ScriptNumbers().Contains(number))
        {
            return DialResolution.Allow(new DialTarget(number, uri, DialTargetKind.ScriptNumber, number, null));
        }
        if (purpose != DialPurpose.IvrTransfer && string.Equals(number, context.CallerNumber, StringComparison.Ordinal))
        {
            return DialResolution.Allow(new DialTarget(number, uri, DialTargetKind.Citizen, number, null));
        }
        return DialResolution.Refuse(purpose == DialPurpose.IvrTransfer ? "That number is neither in the directory nor named by the IVR script." : NotInDirectory);
    }

    private DialResolution Logged(string number, DialPurpose purpose, DialContext context, DialResolution resolution)
    {
        if (resolution.Target is { } target)
        {
            DialPlanLog.Allowed(_log, number, purpose, target.Kind, context.CallId ?? "-", context.AgentId ?? "-");
        }
        else
        {
            DialPlanLog.Refused(_log, number, purpose, context.CallId ?? "-", context.AgentId ?? "-", resolution.Refusal!);
        }
        return resolution;
    }

    private async Task<bool> ContactedUsAsync(string number, CancellationToken ct)
    {
        try
        {
            if (_callRecords is not null && (await _callRecords.ListCallRecordsOfCallerAsync(number, 1, ct).ConfigureAwait(false)).Count > 0)
            {
                return true;
            }
            return _cases is not null
                && (await _cases.SearchAsync(new CaseQuery { CitizenPhone = number, PageSize = 1 }, _time.GetUtcNow(), ct).ConfigureAwait(false)).Items.Count > 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            DialPlanLog.DirectoryUnreadable(_log, e.Message); // refused: without the database we cannot tell a citizen from a stranger
            return false;
        }
    }

    private async Task RefreshIfStaleAsync(CancellationToken ct)
    {
        if (_directory is not null && _known.ReadAt + DirectoryMaxAge < _time.GetUtcNow())
        {
            await RefreshAsync(ct).ConfigureAwait(false);
        }
    }

    private string? Uri(string number) => _trunks.OutboundUri(number);

    private HashSet<string> ScriptNumbers() =>
        _scripts.Current is { } script
            ? script.Nodes.Values.SelectMany(n => n.Steps).OfType<TransferStep>().Select(s => s.Number).ToHashSet(StringComparer.Ordinal)
            : [];

    private static bool IsNumber(string? number) =>
        number is { Length: > 0 and <= 32 } && number.AsSpan(number[0] == '+' ? 1 : 0) is { Length: > 0 } digits && !digits.ContainsAnyExcept("0123456789");

    private sealed record DirectorySnapshot(IReadOnlyDictionary<string, DialTarget> Entries, DateTimeOffset ReadAt)
    {
        public static readonly DirectorySnapshot Empty = new(new Dictionary<string, DialTarget>(), DateTimeOffset.MinValue);
    }
}
