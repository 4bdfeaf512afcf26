using System.Text;
using System.Text.RegularExpressions;
using Telephony.Ivr.Loading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Telephony.Ivr;

/// <summary>What a load produced: a script when there were no errors, otherwise every error found.</summary>
public sealed record IvrLoadResult(IvrScript? Script, IReadOnlyList<IvrError> Errors)
{
    public bool Succeeded => Script is not null && Errors.Count == 0;
}

/// <summary>
/// Loads and validates an IVR script (YAML) together with its data files and prompts. Never
/// throws for bad input: every problem comes back as an <see cref="IvrError"/> naming file:line:col.
/// </summary>
public static partial class IvrScriptLoader
{
    /// <summary>Scripts and data files larger than this are refused (an operator's file is a few KB).</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public static IvrLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new Diagnostics(path);
        var text = ReadText(path, new SourceLocation(path, 1, 1), diagnostics);
        if (text is null) return new IvrLoadResult(null, diagnostics.Errors);
        return Load(text, path, diagnostics);
    }

    /// <summary>Loads script text; <paramref name="path"/> names it in errors and anchors relative paths.</summary>
    public static IvrLoadResult LoadText(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        return Load(text, path, new Diagnostics(path));
    }

    private static IvrLoadResult Load(string text, string path, Diagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            if (!NestingIsShallow(text, path, diagnostics)) return new IvrLoadResult(null, diagnostics.Errors);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            diagnostics.Error(new SourceLocation(path, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column)),
                "YAML syntax: " + YamlMessage(ex));
            return new IvrLoadResult(null, diagnostics.Errors);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            diagnostics.Error(new SourceLocation(path, 1, 1), "the script is empty");
            return new IvrLoadResult(null, diagnostics.Errors);
        }
        if (stream.Documents.Count > 1)
        {
            diagnostics.Error(stream.Documents[1].RootNode, "a script holds exactly one YAML document");
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var compiler = new ScriptCompiler(diagnostics, path, baseDirectory);
        var script = compiler.Compile(stream.Documents[0].RootNode);
        return diagnostics.Count == 0 && script is not null
            ? new IvrLoadResult(script, [])
            : new IvrLoadResult(null, diagnostics.Errors);
    }

    /// <summary>A script nests a few levels; the representation model loads recursively, so refuse deep nesting first.</summary>
    public const int MaxNestingDepth = 32;

    /// <summary>
    /// Walks the parser's events (an iterative state machine, safe on hostile input) and refuses
    /// nesting deeper than <see cref="MaxNestingDepth"/> before the recursive tree loader sees it.
    /// </summary>
    private static bool NestingIsShallow(string text, string path, Diagnostics diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxNestingDepth)
                    {
                        var mark = parser.Current.Start;
                        diagnostics.Error(new SourceLocation(path, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column)),
                            $"nesting deeper than {MaxNestingDepth} levels");
                        return false;
                    }
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
        return true;
    }

    internal static string? ReadText(string path, SourceLocation reference, Diagnostics diagnostics)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                diagnostics.Error(reference, $"file '{path}' not found");
                return null;
            }
            if (info.Length > MaxFileBytes)
            {
                diagnostics.Error(reference, $"file '{path}' is {info.Length} bytes; the limit is {MaxFileBytes}");
                return null;
            }
            var bytes = File.ReadAllBytes(path);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
            }
            catch (DecoderFallbackException)
            {
                diagnostics.Error(reference, $"file '{path}' is not valid UTF-8");
                return null;
            }
        }
        catch (IOException ex)
        {
            diagnostics.Error(reference, $"cannot read '{path}': {ex.Message}");
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            diagnostics.Error(reference, $"cannot read '{path}': {ex.Message}");
            return null;
        }
    }

    /// <summary>YamlDotNet prefixes its message with the marks; the file:line:col already says that.</summary>
    private static string YamlMessage(YamlException ex)
    {
        var message = MarksPrefix().Replace(ex.Message, "");
        if (ex.InnerException is YamlException inner && string.IsNullOrWhiteSpace(message))
        {
            message = MarksPrefix().Replace(inner.Message, "");
        }
        return message;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarksPrefix();
}
