using System.Net;
using System.Text.RegularExpressions;
using Telephony.Calls.Commands;
using Telephony.Calls.WebPhone;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Testing.WebRtc;

namespace Telephony.Calls.Tests;

/// <summary>How a <see cref="ScriptedBrowser"/> misbehaves.</summary>
public enum BrowserFault
{
    None,
    /// <summary>Its connectivity check is signed with a password that is not the leg's.</summary>
    WrongStunPassword,
    /// <summary>Its answer signals one certificate's fingerprint and its DTLS handshake presents another.</summary>
    TamperedFingerprint,
    /// <summary>Its answer has no a=ice-ufrag / a=ice-pwd.</summary>
    NoIceCredentials,
}

/// <summary>
/// The agents' pages as the call manager's browser-phone signalling, in-process: each offer is answered (through
/// the one command path, as the hub would) and followed by what a browser does on the wire: a STUN check and
/// the DTLS client handshake (<see cref="BrowserLikePeer"/>), with the chosen <see cref="Fault"/>.
/// </summary>
internal sealed partial class ScriptedBrowser : IBrowserPhoneSignalling, IDisposable
{
    private const string Password = "browserPasswordOf24chars";
    private readonly List<BrowserLikePeer> _peers = [];

    public CallManager? Calls { get; set; }

    public BrowserFault Fault { get; set; }

    /// <summary>How the page answers an offer (an agent's page by default; a supervisor's page answers with <see cref="AnswerSupervisorBrowser"/>).</summary>
    public Func<BrowserPhoneOffer, string, CallCommand> AnswerWith { get; set; } = (offer, sdp) => new AnswerBrowserCall(offer.Page, sdp);

    /// <summary>The offers received, in order.</summary>
    public List<BrowserPhoneOffer> Offers { get; } = [];

    /// <summary>What each answered leg's browser-side handshake ended with (null: success), in order.</summary>
    public List<string?> Outcomes { get; } = [];

    /// <summary>Legs the server ended (BrowserCallEnded).</summary>
    public int Ended;

    public Task OfferAsync(BrowserPhoneOffer offer, CancellationToken ct = default)
    {
        lock (Offers) Offers.Add(offer);
        _ = Task.Run(async () =>
        {
            try
            {
                await AnswerAsync(offer);
            }
            catch (Exception e)
            {
                lock (Outcomes) Outcomes.Add("browser failed: " + e);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task EndAsync(string page, string callId, CancellationToken ct = default)
    {
        Interlocked.Increment(ref Ended);
        return Task.CompletedTask;
    }

    private async Task AnswerAsync(BrowserPhoneOffer offer)
    {
        var sdp = offer.Sdp;
        int port = int.Parse(MediaLine().Match(sdp).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string ufrag = Attribute(sdp, "ice-ufrag"), pwd = Attribute(sdp, "ice-pwd");
        DtlsFingerprint.TryParse(Attribute(sdp, "fingerprint"), out var serverFingerprint);
        var peer = new BrowserLikePeer();
        lock (_peers) _peers.Add(peer);
        var signalled = Fault == BrowserFault.TamperedFingerprint ? DtlsIdentity.Create("mallory").Fingerprint : peer.Identity.Fingerprint;
        var answer = BrowserLikePeer.AnswerSdp(Fault == BrowserFault.NoIceCredentials ? "" : BrowserLikePeer.Ufrag, Password, signalled.ToString());
        var result = await Calls!.AskAsync(offer.CallId, AnswerWith(offer, answer));
        if (!result.Succeeded || Fault == BrowserFault.NoIceCredentials)
        {
            lock (Outcomes) Outcomes.Add("answer: " + result.Status);
            return;
        }
        var leg = new IPEndPoint(IPAddress.Loopback, port);
        peer.Check(leg, ufrag, Fault == BrowserFault.WrongStunPassword ? "notThePasswordOfThisLegAtAll" : pwd);
        string? outcome = null;
        try
        {
            await Task.Run(() => peer.Connect(leg, serverFingerprint!));
        }
        catch (Exception e)
        {
            outcome = e.GetType().Name;
        }
        lock (Outcomes) Outcomes.Add(outcome);
    }

    private static string Attribute(string sdp, string name) =>
        Regex.Match(sdp, "^a=" + name + ":(.+?)\r?$", RegexOptions.Multiline).Groups[1].Value;

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex MediaLine();

    public void Dispose()
    {
        lock (_peers)
        {
            foreach (var p in _peers) p.Dispose();
        }
    }
}
