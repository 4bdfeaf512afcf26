namespace Telephony.Server.Tests.Operations;

/// <summary>
/// What an operator sees when the server is checked or cannot start, from a real process: <c>--check</c> loads
/// settings, seats, users, agents and the script and exits 0 or 1 with one line each; a bad setting stops the start
/// with one line naming the key (no stack trace, exit 1); a SIP address in use is named.
/// </summary>
[NonParallelizable]
public sealed class StartupCheckTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("telephony-check-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    [CancelAfter(90_000)]
    public async Task Check_passes_on_the_shipped_files_and_binds_nothing()
    {
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(Settings(), ["--check"]);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("ok    seats: 60 seat(s)").And.Contain("ok    users: ").And.Contain("ok    agents: ").And.Contain("ok    script: ").And.Contain("check passed"));
        Assert.That(output, Does.Not.Contain("SIP listening"), "a check binds no port");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Check_fails_with_the_broken_script_named()
    {
        var script = Path.Combine(_folder, "broken.yaml");
        await File.WriteAllTextAsync(script, "name: broken\nstart: nowhere\nnodes:\n  - this is: [not a node\n");
        var settings = Settings();
        settings["Calls:IvrScript"] = script;
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, ["--check"]);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("error script: ").And.Contain("broken.yaml").And.Contain("check failed: 1 error(s)"));
        Assert.That(output, Does.Contain("ok    seats: "), "the other items are still checked");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Check_creates_the_data_folder_and_finds_it_writable()
    {
        var data = Path.Combine(_folder, "var", "telephony");
        var settings = Settings();
        settings["DataFolder"] = data;
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, ["--check"]);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain($"ok    data folder: {data} (writable)"));
        Assert.That(Directory.Exists(data), Is.True);
        Assert.That(Directory.EnumerateFileSystemEntries(data), Is.Empty, "the probe file is removed");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Check_fails_when_the_data_folder_is_a_file()
    {
        var file = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var settings = Settings();
        settings["DataFolder"] = file;
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, ["--check"]);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"error data folder: {file} is a file; DataFolder must name a folder"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_bad_setting_stops_the_start_with_one_line_naming_the_key()
    {
        var settings = Settings();
        settings["Calls:RtpPortMin"] = "5";
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, []);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Telephony.Server did not start: Calls:RtpPortMin = 5 is out of range"));
        Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), "no stack trace for a setting");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_tls_listener_without_a_certificate_or_with_a_missing_file_stops_the_start_with_the_key_named()
    {
        var settings = Settings();
        settings["Sip:Tls"] = "127.0.0.1:0";
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, []);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Telephony.Server did not start: Sip:Tls = '127.0.0.1:0' needs Sip:TlsCertificate"));

        var missing = Path.Combine(_folder, "no-such.pem");
        settings["Sip:TlsCertificate"] = missing;
        (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, []);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"Telephony.Server did not start: Sip:TlsCertificate = '{missing}': file not found"));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace for a setting");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_sip_address_in_use_is_named()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        var settings = Settings();
        settings["Sip:Udp"] = $"127.0.0.1:{port}";
        var (code, output) = await TelephonyServerProcess.RunToExitAsync(settings, []);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"Telephony.Server did not start: Sip:Udp/Sip:Tcp: cannot listen on udp:127.0.0.1:{port}: address already in use"));
        Assert.That(output, Does.Not.Contain("Unhandled exception"));
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["ContactCenter:Redis"] = "",
        ["Cases:Provider"] = "sqlite",
        ["Cases:ConnectionString"] = $"Data Source={Path.Combine(_folder, "cases.db")}",
        ["Cases:SmsOutboxFile"] = Path.Combine(_folder, "sms-outbox.jsonl"),
        ["Calls:RecordingsFolder"] = Path.Combine(_folder, "recordings"),
        ["Calls:WatchIvrScript"] = "false",
        ["Calls:RtpRealtimePriority"] = "0",
    };
}
