namespace Telephony.Testing.Calls;

/// <summary>A one-node IVR script for transfer tests: transfer to a partner hotline, on failure say goodbye and hang up.</summary>
public static class TransferScript
{
    /// <summary>
    /// Writes <c>transfer.yaml</c> (with the shipped goodbye prompt) into <paramref name="directory"/> and returns its path;
    /// the shipped <c>ivr-scripts/</c> is found upwards from the test binaries.
    /// </summary>
    public static string WriteTo(string directory, string partnerNumber = "12348")
    {
        var shipped = ShippedScripts();
        Directory.CreateDirectory(Path.Combine(directory, "prompts", "en"));
        File.Copy(Path.Combine(shipped, "prompts", "en", "goodbye.wav"), Path.Combine(directory, "prompts", "en", "goodbye.wav"), overwrite: true);
        var path = Path.Combine(directory, "transfer.yaml");
        File.WriteAllText(path, $"""
            name: transfer test
            languages: [en]
            prompts: prompts
            entries:
              default: main
            nodes:
              main:
                - transfer: "{partnerNumber}"
                  on-fail: sorry
              sorry:
                - hangup: goodbye
            """);
        return path;
    }

    private static string ShippedScripts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var scripts = Path.Combine(dir.FullName, "ivr-scripts");
            if (File.Exists(Path.Combine(scripts, "12345.yaml")))
            {
                return scripts;
            }
        }
        throw new FileNotFoundException("ivr-scripts/12345.yaml not found above " + AppContext.BaseDirectory);
    }
}
