namespace Telephony.Media.Recording;

/// <summary>
/// A write-only file stream that knows its own length. NAudio's <c>WaveFileWriter.Write</c> reads
/// <see cref="Stream.Length"/> on every call to guard the 4 GB WAV limit, and a
/// <see cref="FileStream"/> answers that with an fstat(2) system call: with a thousand recorded
/// calls that was a fifth of the media clock's time. Only this stream writes the file, so the
/// length it tracks is the file's.
/// </summary>
internal sealed class KnownLengthFileStream : Stream
{
    private readonly FileStream _file;
    private long _length;

    public KnownLengthFileStream(string path)
    {
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
    }

    public override bool CanRead => false;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _file.Write(buffer);
        _length = Math.Max(_length, _file.Position);
    }

    public override void WriteByte(byte value)
    {
        _file.WriteByte(value);
        _length = Math.Max(_length, _file.Position);
    }

    // From the end by the known length: FileStream would ask the file system for it.
    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.End ? _file.Seek(_length + offset, SeekOrigin.Begin) : _file.Seek(offset, origin);

    public override void Flush() => _file.Flush();

    public override void SetLength(long value)
    {
        _file.SetLength(value);
        _length = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
