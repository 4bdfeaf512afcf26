namespace Telephony.Cases.Sms;

/// <summary>Sends a text message to a citizen (acknowledgements and replies). Production plugs in the operator's SMS gateway.</summary>
public interface ISmsGateway
{
    Task SendAsync(string to, string body, CancellationToken ct = default);
}
