namespace Telephony.Sip.Messages;

/// <summary>Method names (RFC 3261 and extensions). Methods are case-sensitive (§7.1).</summary>
public static class SipMethods
{
    public const string Invite = "INVITE"; // RFC 3261 §13
    public const string Ack = "ACK"; // RFC 3261 §17.1.1.3
    public const string Bye = "BYE"; // RFC 3261 §15
    public const string Cancel = "CANCEL"; // RFC 3261 §9
    public const string Options = "OPTIONS"; // RFC 3261 §11
    public const string Register = "REGISTER"; // RFC 3261 §10
    public const string Prack = "PRACK"; // RFC 3262: reliable provisional responses
    public const string Subscribe = "SUBSCRIBE"; // RFC 6665: event subscriptions
    public const string Notify = "NOTIFY"; // RFC 6665: event notifications
    public const string Publish = "PUBLISH"; // RFC 3903: event state publication
    public const string Info = "INFO"; // RFC 6086: mid-call information (DTMF here)
    public const string Refer = "REFER"; // RFC 3515: call transfer
    public const string Message = "MESSAGE"; // RFC 3428: instant messages
    public const string Update = "UPDATE"; // RFC 3311: session changes before the answer

    private static readonly string[] Known =
        [Invite, Ack, Bye, Cancel, Options, Register, Prack, Subscribe, Notify, Publish, Info, Refer, Message, Update];

    /// <summary>True for the methods of RFC 3261 and the extensions listed here (case-sensitive).</summary>
    public static bool IsKnown(string method) => Array.IndexOf(Known, method) >= 0;

    /// <summary>Returns the shared constant for a known method (no allocation), else a new string.</summary>
    internal static string Intern(ReadOnlySpan<char> method)
    {
        foreach (var k in Known)
        {
            if (method.SequenceEqual(k)) return k;
        }
        return method.ToString();
    }

    internal static string Intern(ReadOnlySpan<byte> method)
    {
        foreach (var k in Known)
        {
            if (method.Length != k.Length) continue;
            var same = true;
            for (var i = 0; i < k.Length; i++)
            {
                if (method[i] != k[i]) { same = false; break; }
            }
            if (same) return k;
        }
        return System.Text.Encoding.ASCII.GetString(method);
    }
}
