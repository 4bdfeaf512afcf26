using Microsoft.Extensions.Logging;
using Telephony.Ivr;
using Telephony.Media;
using Telephony.Media.Audio;

namespace Telephony.Calls.Legs;

/// <summary>
/// The script's music on hold (<c>moh.wav</c> beside its prompts), decoded once and looped for each
/// party that waits; silence when the script has none (logged once).
/// </summary>
internal sealed partial class HoldMusic(MediaEngine media, IvrScriptProvider scripts, ILogger logger)
{
    private Prompt? _music;

    /// <summary>A fresh looping source (each waiting party has its own position in the music).</summary>
    public IAudioSource Next()
    {
        var script = scripts.Current;
        if (_music is null && script is not null)
        {
            try
            {
                _music = media.Prompts.Get(Path.Combine(script.PromptDirectory, "moh.wav"));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                CallsLog.NoMusic(logger, e.Message);
            }
        }
        return _music is null ? new SilenceSource() : new LoopingPlayer(_music);
    }
}
