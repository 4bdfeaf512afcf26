using Telephony.Media;

namespace Telephony.Testing.Phones;

/// <summary>The media engine the test phones of one fixture share (their own, apart from the server's).</summary>
public static class PhoneMedia
{
    /// <summary>An engine on loopback with RTP ports <paramref name="portMin"/>-<paramref name="portMax"/>, its clock running.</summary>
    public static MediaEngine Start(int portMin, int portMax)
    {
        var engine = new MediaEngine(new MediaEngineOptions { PortMin = portMin, PortMax = portMax });
        engine.Start();
        return engine;
    }
}
