namespace Telephony.Sip.Messages;

/// <summary>Method names (RFC 3261 and extensions). Methods are case-sensitive (§7.1).</summary>
public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Prack = "PRACK";
    public const string Subscribe = "SUBSCRIBE";
    public const string Notify = "NOTIFY";
    public const string Publish = "PUBLISH";
    public const string Info = "INFO";
    public const string Refer = "REFER";
    public const string Message = "MESSAGE";
    public const string Update = "UPDATE";

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
