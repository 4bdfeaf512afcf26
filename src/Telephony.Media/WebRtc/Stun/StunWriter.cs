using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Telephony.Media.WebRtc.Stun;

/// <summary>
/// Writes one STUN message into a caller's buffer (RFC 8489 §5, §14): header first, then attributes in
/// order, MESSAGE-INTEGRITY and FINGERPRINT last. Padding is zeros. The buffer must hold the message
/// (a Binding response with every attribute we write fits in 128 bytes).
/// </summary>
public ref struct StunWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts a message of <paramref name="type"/> with <paramref name="transactionId"/> (12 bytes).</summary>
    public StunWriter(Span<byte> buffer, ushort type, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != 12)
        {
            throw new ArgumentException("a STUN transaction id is 96 bits", nameof(transactionId));
        }
        _buffer = buffer;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunMessage.HeaderLength;
    }

    /// <summary>Bytes written so far (the whole message once the last attribute is added).</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void AddBytes(ushort type, ReadOnlySpan<byte> value)
    {
        var v = Begin(type, value.Length);
        value.CopyTo(v);
        End(value.Length);
    }

    public void AddUInt32(ushort type, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Begin(type, 4), value);
        End(4);
    }

    public void AddUInt64(ushort type, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Begin(type, 8), value);
        End(8);
    }

    /// <summary>An attribute without a value (USE-CANDIDATE).</summary>
    public void AddFlag(ushort type)
    {
        Begin(type, 0);
        End(0);
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class and number, and a reason phrase.</summary>
    public void AddErrorCode(int code, ReadOnlySpan<byte> reason)
    {
        var v = Begin(StunAttribute.ErrorCode, 4 + reason.Length);
        v[0] = 0;
        v[1] = 0;
        v[2] = (byte)(code / 100);
        v[3] = (byte)(code % 100);
        reason.CopyTo(v[4..]);
        End(4 + reason.Length);
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2) of a socket address, read from its raw bytes (no allocation).</summary>
    public void AddXorMappedAddress(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        bool v6 = address.Family == AddressFamily.InterNetworkV6;
        var raw = address.Buffer.Span;
        // sockaddr_in: port at 2..3, address at 4..7; sockaddr_in6: port at 2..3, address at 8..23.
        ReadOnlySpan<byte> ip = v6 ? raw.Slice(8, 16) : raw.Slice(4, 4);
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(raw[2..]);
        WriteXorAddress(StunMessage.FamilyByte(address.Family), port, ip);
    }

    /// <summary>XOR-MAPPED-ADDRESS of an endpoint (tests, clients).</summary>
    public void AddXorMappedAddress(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> ip = stackalloc byte[16];
        endPoint.Address.TryWriteBytes(ip, out int n);
        WriteXorAddress(StunMessage.FamilyByte(endPoint.AddressFamily), (ushort)endPoint.Port, ip[..n]);
    }

    /// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5) with a short-term credential's key (the password's bytes).</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int at = _length;
        var v = Begin(StunAttribute.MessageIntegrity, 20);
        StunMessage.ComputeIntegrity(_buffer[..at], key, v);
        End(20);
    }

    /// <summary>FINGERPRINT (RFC 8489 §14.7); the last attribute.</summary>
    public void AddFingerprint()
    {
        int at = _length;
        var v = Begin(StunAttribute.Fingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(v, StunMessage.ComputeFingerprint(_buffer[..at]));
        End(4);
    }

    private void WriteXorAddress(byte family, ushort port, scoped ReadOnlySpan<byte> ip)
    {
        var v = Begin(StunAttribute.XorMappedAddress, 4 + ip.Length);
        v[0] = 0;
        v[1] = family;
        BinaryPrimitives.WriteUInt16BigEndian(v[2..], (ushort)(port ^ (StunMessage.MagicCookie >> 16)));
        for (int i = 0; i < ip.Length; i++)
        {
            v[4 + i] = (byte)(ip[i] ^ _buffer[4 + i]); // cookie, then the transaction id (§14.2)
        }
        End(4 + ip.Length);
    }

    private Span<byte> Begin(ushort type, int valueLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        return _buffer.Slice(_length + 4, valueLength);
    }

    private void End(int valueLength)
    {
        int padded = (valueLength + 3) & ~3;
        _buffer.Slice(_length + 4 + valueLength, padded - valueLength).Clear();
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderLength));
    }
}
