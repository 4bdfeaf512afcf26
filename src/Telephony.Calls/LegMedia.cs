using System.Net;
using Telephony.Media.Rtp;

namespace Telephony.Calls;

/// <summary>
/// One leg's media as diagnostics see it: our RTP address and the session's figures (loss, jitter,
/// strangers, and with SRTP whether it is on and how many packets failed authentication).
/// </summary>
public sealed record LegMedia(IPEndPoint LocalRtp, RtpStreamStatistics Statistics);
