using Microsoft.Extensions.Logging;
using Telephony.Ivr;
using Telephony.Media;
using Telephony.Media.Audio;

namespace Telephony.Calls.Legs;

/// <summary>
/// The script's music on hold (<c>moh.wav</c> beside its prompts), decoded once and looped for each
/// party that waits; silence when the script has none (logged). A reloaded script may bring other
/// music, so a script change drops the decoded copy.
/// </summary>
internal sealed class HoldMusic
{
    private readonly MediaEngine _media;
    private readonly IvrScriptProvider _scripts;
    private readonly ILogger _logger;
    private Prompt? _music;

    public HoldMusic(MediaEngine media, IvrScriptProvider scripts, ILogger logger)
    {
        _media = media;
        _scripts = scripts;
        _logger = logger;
        scripts.ScriptChanged += (_, _) => Volatile.Write(ref _music, null);
    }

    /// <summary>A fresh looping source (each waiting party has its own position in the music).</summary>
    public IAudioSource Next()
    {
        var music = Volatile.Read(ref _music);
        if (music is null && _scripts.Current is { } script)
        {
            try
            {
                music = _media.Prompts.Get(Path.Combine(script.PromptDirectory, "moh.wav"));
                Volatile.Write(ref _music, music);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                CallsLog.NoMusic(_logger, e.Message);
            }
        }
        return music is null ? new SilenceSource() : new LoopingPlayer(music);
    }
}
