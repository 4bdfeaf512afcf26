namespace Telephony.Media.Tests.Recording;

public class KnownLengthFileStreamTests
{
    [Test]
    public void Tracks_the_length_through_writes_and_seeks_like_the_file_system()
    {
        string path = Path.Combine(Path.GetTempPath(), $"known-length-{Guid.NewGuid():N}.bin");
        try
        {
            using (var stream = new KnownLengthFileStream(path))
            {
                stream.Write(new byte[1000], 0, 1000);
                Assert.That(stream.Length, Is.EqualTo(1000));
                stream.Position = 4; // a header rewrite, as WaveFileWriter does at each checkpoint
                stream.Write([1, 2, 3, 4]);
                Assert.That(stream.Length, Is.EqualTo(1000), "rewriting inside does not grow it");
                Assert.That(stream.Seek(-10, SeekOrigin.End), Is.EqualTo(990));
                stream.Write(new byte[20]);
                stream.WriteByte(7);
                Assert.That(stream.Length, Is.EqualTo(1011));
                stream.Flush();
                Assert.That(new FileInfo(path).Length, Is.EqualTo(stream.Length));
            }

            var bytes = File.ReadAllBytes(path);
            Assert.That(bytes, Has.Length.EqualTo(1011));
            Assert.That(bytes[4..8], Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
            Assert.That(bytes[^1], Is.EqualTo(7));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
