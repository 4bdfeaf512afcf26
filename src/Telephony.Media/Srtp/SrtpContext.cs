using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telephony.Media.Srtp;

/// <summary>
/// One direction of an SRTP session (RFC 3711): the session keys derived from one master key and salt,
/// the rollover counter and replay window of its RTP stream, and the index and replay window of its RTCP.
/// Use one context to protect what we send (our key) and another to unprotect what the peer sends (its
/// key): SDES (RFC 4568) and DTLS-SRTP (RFC 5764) both give one master key and salt per direction.
/// Packets are transformed in place on the caller's buffer, nothing is allocated per packet. The RTP
/// half and the RTCP half may each be used by one thread at a time (they share no state).
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private readonly RtpHalf _rtp;
    private readonly RtcpHalf _rtcp;
    private long _rtpAuthenticated;
    private long _rtcpAuthenticated;
    private long _authenticationFailures;
    private long _replays;
    private long _malformed;

    private SrtpContext(SrtpSuite suite, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        Suite = suite;
        _rtp = new RtpHalf(masterKey, masterSalt, suite.RtpTagLength());
        _rtcp = new RtcpHalf(masterKey, masterSalt);
    }

    /// <summary>
    /// A context for one direction from its master key (16 bytes) and master salt (14 bytes), e.g. from an
    /// SDES inline key or the DTLS-SRTP exporter (RFC 5764 §4.2).
    /// </summary>
    public static SrtpContext Create(SrtpSuite suite, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (!Enum.IsDefined(suite))
        {
            throw new ArgumentOutOfRangeException(nameof(suite));
        }
        if (masterKey.Length != SrtpSuites.MasterKeyLength)
        {
            throw new ArgumentException($"an SRTP master key is {SrtpSuites.MasterKeyLength} bytes", nameof(masterKey));
        }
        if (masterSalt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException($"an SRTP master salt is {SrtpSuites.MasterSaltLength} bytes", nameof(masterSalt));
        }
        return new SrtpContext(suite, masterKey, masterSalt);
    }

    public SrtpSuite Suite { get; }

    /// <summary>RTP packets authenticated by <see cref="UnprotectRtp"/>.</summary>
    public long RtpAuthenticated => Interlocked.Read(ref _rtpAuthenticated);

    /// <summary>RTCP packets authenticated by <see cref="UnprotectRtcp"/>.</summary>
    public long RtcpAuthenticated => Interlocked.Read(ref _rtcpAuthenticated);

    /// <summary>Packets whose tag did not match.</summary>
    public long AuthenticationFailures => Interlocked.Read(ref _authenticationFailures);

    /// <summary>Packets refused as replays.</summary>
    public long Replays => Interlocked.Read(ref _replays);

    /// <summary>Packets too short or not RTP version 2.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>The rollover counter of the RTP stream (RFC 3711 §3.3.1), for tests and diagnostics.</summary>
    public uint RolloverCounter => _rtp.Roc;

    /// <summary>
    /// Encrypts and authenticates the RTP packet in <c>buffer[..length]</c> in place and appends the tag;
    /// returns the new length. <paramref name="buffer"/> must have room for <see cref="SrtpSuites.RtpOverhead"/>
    /// more bytes.
    /// </summary>
    public int ProtectRtp(Span<byte> buffer, int length) => _rtp.Protect(buffer, length);

    /// <summary>
    /// Authenticates, checks for replay and decrypts the SRTP packet in <c>buffer[..length]</c> in place;
    /// <paramref name="plainLength"/> is the RTP packet's length without the tag. Failures are counted.
    /// </summary>
    public SrtpStatus UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        var status = _rtp.Unprotect(buffer, length, out plainLength);
        Count(status, ref _rtpAuthenticated);
        return status;
    }

    /// <inheritdoc cref="UnprotectRtp"/>
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int plainLength) =>
        UnprotectRtp(buffer, length, out plainLength) == SrtpStatus.Ok;

    /// <summary>
    /// Encrypts the compound RTCP packet in <c>buffer[..length]</c> in place after its first 8 bytes, appends
    /// the E flag and SRTCP index and the 80-bit tag (RFC 3711 §3.4); returns the new length.
    /// </summary>
    public int ProtectRtcp(Span<byte> buffer, int length) => _rtcp.Protect(buffer, length);

    /// <summary>Authenticates, checks for replay and decrypts one SRTCP packet in place.</summary>
    public SrtpStatus UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        var status = _rtcp.Unprotect(buffer, length, out plainLength);
        Count(status, ref _rtcpAuthenticated);
        return status;
    }

    /// <inheritdoc cref="UnprotectRtcp"/>
    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int plainLength) =>
        UnprotectRtcp(buffer, length, out plainLength) == SrtpStatus.Ok;

    private void Count(SrtpStatus status, ref long authenticated)
    {
        switch (status)
        {
            case SrtpStatus.Ok: Interlocked.Increment(ref authenticated); break;
            case SrtpStatus.AuthenticationFailed: Interlocked.Increment(ref _authenticationFailures); break;
            case SrtpStatus.Replayed: Interlocked.Increment(ref _replays); break;
            default: Interlocked.Increment(ref _malformed); break;
        }
    }

    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// <summary>The session keys of one half (RTP or RTCP): cipher, HMAC and salt (RFC 3711 §4.3.1/§4.3.2).</summary>
    private abstract class Half : IDisposable
    {
        private readonly AesCounterMode _cipher;
        private readonly IncrementalHash _hmac;
        private readonly byte[] _salt = new byte[SrtpSuites.MasterSaltLength];
        private readonly byte[] _iv = new byte[16];
        private readonly byte[] _mac = new byte[20];

        protected Half(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte encryptionLabel)
        {
            Span<byte> key = stackalloc byte[SrtpSuites.MasterKeyLength];
            Span<byte> auth = stackalloc byte[20];
            SrtpKeyDerivation.Derive(masterKey, masterSalt, encryptionLabel, key);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, (byte)(encryptionLabel + 1), auth);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, (byte)(encryptionLabel + 2), _salt);
            _cipher = new AesCounterMode(key);
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, auth);
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(auth);
        }

        // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.
        protected void Crypt(uint ssrc, long index, Span<byte> data)
        {
            var iv = _iv.AsSpan();
            _salt.CopyTo(iv);
            iv[14] = 0;
            iv[15] = 0;
            iv[4] ^= (byte)(ssrc >> 24);
            iv[5] ^= (byte)(ssrc >> 16);
            iv[6] ^= (byte)(ssrc >> 8);
            iv[7] ^= (byte)ssrc;
            for (int b = 0; b < 6; b++)
            {
                iv[13 - b] ^= (byte)(index >> (8 * b));
            }
            _cipher.Apply(iv, data);
        }

        // HMAC-SHA1 over the authenticated portion and a 32-bit trailer (the ROC for SRTP, RFC 3711 §4.2;
        // nothing for SRTCP, whose index is inside the authenticated portion), truncated to the tag.
        protected ReadOnlySpan<byte> Mac(ReadOnlySpan<byte> authenticated, ReadOnlySpan<byte> trailer, int tagLength)
        {
            _hmac.AppendData(authenticated);
            if (!trailer.IsEmpty)
            {
                _hmac.AppendData(trailer);
            }
            _hmac.TryGetHashAndReset(_mac, out _);
            return _mac.AsSpan(0, tagLength);
        }

        public void Dispose()
        {
            _cipher.Dispose();
            _hmac.Dispose();
        }
    }

    /// <summary>SRTP (RFC 3711 §3.1-§3.3): the header stays clear, the payload is encrypted, the tag follows.</summary>
    private sealed class RtpHalf(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, int tagLength)
        : Half(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption)
    {
        // Sender and receiver state of the one stream this direction carries (one SSRC at a time).
        private bool _started;
        private uint _ssrc;
        private uint _roc;
        private ushort _highestSeq; // s_l of RFC 3711 §3.3.1
        private SrtpReplayWindow _window;

        public uint Roc => Volatile.Read(ref _roc);

        public int Protect(Span<byte> buffer, int length)
        {
            int header = HeaderLength(buffer, length);
            if (header < 0)
            {
                throw new ArgumentException("not an RTP packet", nameof(buffer));
            }
            if (buffer.Length < length + tagLength)
            {
                throw new ArgumentException("no room for the SRTP tag", nameof(buffer));
            }
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
            if (!_started || ssrc != _ssrc)
            {
                // A new stream starts with ROC 0 (RFC 3711 §3.3.1); our SSRC is fixed per session.
                _started = true;
                _ssrc = ssrc;
                _roc = 0;
                _highestSeq = seq;
            }
            uint v = EstimateRoc(seq);
            Advance(v, seq);
            Crypt(ssrc, ((long)v << 16) | seq, buffer[header..length]);
            Span<byte> roc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(roc, v);
            Mac(buffer[..length], roc, tagLength).CopyTo(buffer[length..]);
            return length + tagLength;
        }

        public SrtpStatus Unprotect(Span<byte> buffer, int length, out int plainLength)
        {
            plainLength = 0;
            if (length > buffer.Length || length < 12 + tagLength)
            {
                return SrtpStatus.Malformed;
            }
            int authenticated = length - tagLength;
            int header = HeaderLength(buffer, authenticated);
            if (header < 0)
            {
                return SrtpStatus.Malformed;
            }
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
            // A packet of another SSRC is tried as the first packet of a new stream, and adopted only if
            // it authenticates (a peer may change SSRC; a forger cannot reset our state).
            bool newStream = !_started || ssrc != _ssrc;
            uint v = newStream ? 0 : EstimateRoc(seq);
            long index = ((long)v << 16) | seq;
            if (!newStream && !_window.IsFresh(index))
            {
                return SrtpStatus.Replayed;
            }
            Span<byte> roc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(roc, v);
            var mac = Mac(buffer[..authenticated], roc, tagLength);
            if (!CryptographicOperations.FixedTimeEquals(mac, buffer.Slice(authenticated, tagLength)))
            {
                return SrtpStatus.AuthenticationFailed;
            }
            if (newStream)
            {
                _started = true;
                _ssrc = ssrc;
                _roc = 0;
                _highestSeq = seq;
                _window.Reset();
            }
            Advance(v, seq);
            _window.Accept(index);
            Crypt(ssrc, index, buffer[header..authenticated]);
            plainLength = authenticated;
            return SrtpStatus.Ok;
        }

        // RFC 3711 Appendix A: the ROC of a sequence number relative to the highest one seen.
        private uint EstimateRoc(ushort seq)
        {
            if (_highestSeq < 32768)
            {
                return seq - _highestSeq > 32768 && _roc > 0 ? _roc - 1 : _roc;
            }
            return _highestSeq - 32768 > seq ? _roc + 1 : _roc;
        }

        // RFC 3711 §3.3.1: after a packet is accepted, s_l and ROC move forward (never back).
        private void Advance(uint v, ushort seq)
        {
            if (v == _roc + 1)
            {
                Volatile.Write(ref _roc, v);
                _highestSeq = seq;
            }
            else if (v == _roc && seq > _highestSeq)
            {
                _highestSeq = seq;
            }
        }

        // Fixed header, CSRCs and the header extension (RFC 3550 §5.1, §5.3.1) stay in the clear.
        private static int HeaderLength(ReadOnlySpan<byte> packet, int length)
        {
            if (length < 12 || (packet[0] >> 6) != 2)
            {
                return -1;
            }
            int header = 12 + (4 * (packet[0] & 0x0F));
            if ((packet[0] & 0x10) != 0)
            {
                if (length < header + 4)
                {
                    return -1;
                }
                header += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(header + 2)..]));
            }
            return header <= length ? header : -1;
        }
    }

    /// <summary>SRTCP (RFC 3711 §3.4): all after the first 8 bytes encrypted, E flag and index, 80-bit tag.</summary>
    private sealed class RtcpHalf(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : Half(masterKey, masterSalt, SrtpKeyDerivation.RtcpEncryption)
    {
        private const int ClearPrefix = 8; // header and sender SSRC
        private const uint EncryptedFlag = 0x8000_0000;
        private uint _nextIndex;
        private SrtpReplayWindow _window;

        public int Protect(Span<byte> buffer, int length)
        {
            if (length < ClearPrefix || (buffer[0] >> 6) != 2)
            {
                throw new ArgumentException("not an RTCP packet", nameof(buffer));
            }
            if (buffer.Length < length + SrtpSuites.RtcpIndexLength + SrtpSuites.RtcpTagLength)
            {
                throw new ArgumentException("no room for the SRTCP index and tag", nameof(buffer));
            }
            uint index = _nextIndex;
            _nextIndex = (index + 1) & 0x7FFF_FFFF; // 31 bits; a session re-keys long before it wraps
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
            Crypt(ssrc, index, buffer[ClearPrefix..length]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], EncryptedFlag | index);
            int authenticated = length + SrtpSuites.RtcpIndexLength;
            Mac(buffer[..authenticated], default, SrtpSuites.RtcpTagLength).CopyTo(buffer[authenticated..]);
            return authenticated + SrtpSuites.RtcpTagLength;
        }

        public SrtpStatus Unprotect(Span<byte> buffer, int length, out int plainLength)
        {
            plainLength = 0;
            if (length > buffer.Length || length < ClearPrefix + SrtpSuites.RtcpIndexLength + SrtpSuites.RtcpTagLength
                || (buffer[0] >> 6) != 2)
            {
                return SrtpStatus.Malformed;
            }
            int authenticated = length - SrtpSuites.RtcpTagLength;
            int encryptedEnd = authenticated - SrtpSuites.RtcpIndexLength;
            uint word = BinaryPrimitives.ReadUInt32BigEndian(buffer[encryptedEnd..]);
            long index = word & 0x7FFF_FFFF;
            if (!_window.IsFresh(index))
            {
                return SrtpStatus.Replayed;
            }
            var mac = Mac(buffer[..authenticated], default, SrtpSuites.RtcpTagLength);
            if (!CryptographicOperations.FixedTimeEquals(mac, buffer.Slice(authenticated, SrtpSuites.RtcpTagLength)))
            {
                return SrtpStatus.AuthenticationFailed;
            }
            _window.Accept(index);
            if ((word & EncryptedFlag) != 0)
            {
                uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
                Crypt(ssrc, index, buffer[ClearPrefix..encryptedEnd]);
            }
            plainLength = encryptedEnd;
            return SrtpStatus.Ok;
        }
    }
}
