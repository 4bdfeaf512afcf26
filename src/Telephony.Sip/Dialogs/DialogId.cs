namespace Telephony.Sip.Dialogs;

/// <summary>A dialog's identity from this side: Call-ID, local tag, remote tag (RFC 3261 §12).</summary>
public readonly record struct DialogId(string CallId, string LocalTag, string RemoteTag)
{
    /// <inheritdoc />
    public override string ToString() => $"{CallId};local={LocalTag};remote={RemoteTag}";
}

/// <summary>Where a dialog is in its life (RFC 3261 §12: early after a 1xx with a tag, confirmed after a 2xx).</summary>
public enum DialogState
{
    /// <summary>Created by a provisional response with a To tag.</summary>
    Early,
    /// <summary>Created or moved on by a 2xx.</summary>
    Confirmed,
    /// <summary>Ended by BYE, a failure response to the initial INVITE, or a timeout.</summary>
    Terminated,
}
