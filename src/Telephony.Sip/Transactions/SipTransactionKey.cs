namespace Telephony.Sip.Transactions;

/// <summary>
/// The matching key of a transaction. RFC 3261 §17.2.3 (server): top Via branch + sent-by + method,
/// where ACK matches INVITE. §17.1.3 (client): top Via branch + CSeq method (sent-by is ours, so
/// empty). For a request whose branch lacks the magic cookie (RFC 2543 peers, RFC 4475 §3.2.1
/// "badbranch") <see cref="Branch"/> holds the RFC 2543 matching fields joined into one string.
/// </summary>
internal readonly record struct SipTransactionKey(string Branch, string SentBy, string Method)
{
    public const string MagicCookie = "z9hG4bK";

    /// <summary>An RFC 3261 branch starts with the magic cookie and has something after it (§8.1.1.7; RFC 4475 §3.2.1).</summary>
    public static bool IsRfc3261Branch(string? branch) =>
        branch is not null && branch.Length > MagicCookie.Length && branch.StartsWith(MagicCookie, StringComparison.Ordinal);

    public override string ToString() => SentBy.Length == 0 ? $"{Branch}/{Method}" : $"{Branch}@{SentBy}/{Method}";
}
