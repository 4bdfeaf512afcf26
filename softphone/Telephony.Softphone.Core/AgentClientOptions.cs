using System.Net;

namespace Telephony.Softphone.Core;

/// <summary>How an <see cref="AgentClient"/> reaches the server and behaves.</summary>
public sealed class AgentClientOptions
{
    /// <summary>The server's SIP address, <c>host:port</c> (UDP), e.g. <c>127.0.0.1:5060</c>.</summary>
    public string SipServer { get; set; } = "127.0.0.1:5060";

    /// <summary>The server's HTTP base address (token + hub); null runs SIP only (no hub, no screen-pop).</summary>
    public Uri? Http { get; set; }

    /// <summary>The seat's extension (SIP user and hub seat), e.g. <c>1001</c>.</summary>
    public required string Seat { get; set; }

    /// <summary>The agent's user name for <c>POST /api/auth/token</c>, e.g. <c>agent1001</c>.</summary>
    public string? User { get; set; }

    /// <summary>The agent's password.</summary>
    public string? Password { get; set; }

    /// <summary>The seat's SIP digest password (the seats file); defaults to <see cref="Password"/>.</summary>
    public string? SipPassword { get; set; }

    /// <summary>The server's SIP domain (registrar domain and digest realm).</summary>
    public string Domain { get; set; } = "telephony.local";

    /// <summary>Where our SIP UA listens (<c>udp:127.0.0.1:0</c> = any free port).</summary>
    public string SipListen { get; set; } = "udp:127.0.0.1:0";

    /// <summary>Registration lifetime asked for (seconds); refreshed at half-time.</summary>
    public int RegisterExpires { get; set; } = 300;

    /// <summary>Address our RTP binds to and writes in SDP.</summary>
    public IPAddress RtpAddress { get; set; } = IPAddress.Loopback;

    /// <summary>RTP port range (even start; two ports per call).</summary>
    public int RtpPortMin { get; set; } = 40000;

    /// <summary>Last RTP port.</summary>
    public int RtpPortMax { get; set; } = 40999;

    /// <summary>Answer incoming calls by itself after this delay; null waits for <see cref="AgentClient.AnswerAsync"/>.</summary>
    public TimeSpan? AutoAnswer { get; set; }

    /// <summary>WAV file sent as the microphone (8 kHz mono 16-bit, looped); null sends a quiet 1 kHz-free silence (no RTP).</summary>
    public string? PlayFile { get; set; }

    /// <summary>WAV file for what the agent hears; the n-th call after the first goes to <c>name-n.wav</c>.</summary>
    public string? RecordFile { get; set; }

    /// <summary>Set the seat Ready right after login and registration.</summary>
    public bool ReadyOnStart { get; set; }

    /// <summary>Bound for HTTP, hub and SIP start-up steps.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
