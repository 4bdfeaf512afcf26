namespace Telephony.Media.Tests.Rtp;

/// <summary>
/// Base of fixtures whose tests run twice: with async receives per socket, and with the sessions
/// on an <see cref="RtpReceiveLoop"/> of two threads. Each mode has its own port pool so the two
/// never share a port, even run side by side.
/// </summary>
public abstract class ReceiveModeFixture(bool loop, RtpPortPool asyncPool, RtpPortPool loopPool)
{
    private RtpReceiveLoop? _loop;

    protected bool OnLoop => loop;

    protected RtpPortPool Pool => loop ? loopPool : asyncPool;

    /// <summary>The loop of this fixture (loop mode only).</summary>
    protected RtpReceiveLoop Loop => _loop ?? throw new InvalidOperationException("no receive loop in async mode");

    protected RtpSessionOptions SessionOptions(int latch = 3) =>
        new() { LatchAfterPackets = latch, ReceiveLoop = loop ? Loop : null };

    [OneTimeSetUp]
    public void StartTheLoop()
    {
        if (loop)
        {
            Assume.That(RtpReceiveLoop.IsSupported, "the receive loop needs 64-bit Linux");
            _loop = new RtpReceiveLoop(threads: 2);
        }
    }

    [OneTimeTearDown]
    public void StopTheLoop()
    {
        _loop?.Dispose();
        _loop = null;
    }
}
