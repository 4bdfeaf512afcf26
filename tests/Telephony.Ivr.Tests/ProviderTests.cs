namespace Telephony.Ivr.Tests;

public class ProviderTests
{
    private const string Good = """
        languages: [zh, en]
        entries:
          default: main
        nodes:
          main:
            - play: hello
            - queue: general
        """;

    private const string GoodV2 = """
        languages: [zh, en]
        entries:
          default: main
        nodes:
          main:
            - queue: english
        """;

    private const string Broken = """
        languages: [zh, en]
        entries:
          default: main
        nodes:
          main:
            - play: hello
            - goto: lobby
        """;

    [Test]
    public void Reload_swaps_in_a_valid_script_and_keeps_the_last_good_one_on_errors()
    {
        using var ws = new ScriptWorkspace();
        File.WriteAllText(ws.ScriptPath, Good);
        var provider = IvrScriptProvider.LoadOrThrow(ws.ScriptPath);
        var first = provider.Current;
        var changes = new List<IvrScript>();
        provider.ScriptChanged += (_, s) => changes.Add(s);
        Assert.That(first, Is.Not.Null);

        File.WriteAllText(ws.ScriptPath, Broken);
        var failed = provider.Reload();
        Assert.That(failed.Succeeded, Is.False);
        Assert.That(failed.Errors.Single().ToString(), Is.EqualTo($"{ws.ScriptPath}:7:13: error: unknown node 'lobby' (defined: main)"));
        Assert.That(provider.Current, Is.SameAs(first), "the last good script stays in service");
        Assert.That(provider.LastErrors, Has.Count.EqualTo(1));
        Assert.That(changes, Is.Empty);

        File.WriteAllText(ws.ScriptPath, GoodV2);
        var ok = provider.Reload();
        Assert.That(ok.Succeeded, Is.True);
        Assert.That(provider.Current, Is.Not.SameAs(first));
        Assert.That(provider.Current!.Nodes["main"].Steps.Single(), Is.InstanceOf<QueueStep>());
        Assert.That(provider.LastErrors, Is.Empty);
        Assert.That(changes, Is.EqualTo(new[] { provider.Current }));
    }

    [Test]
    public void A_deleted_script_file_keeps_the_last_good_one_too()
    {
        using var ws = new ScriptWorkspace();
        File.WriteAllText(ws.ScriptPath, Good);
        var provider = IvrScriptProvider.LoadOrThrow(ws.ScriptPath);
        var first = provider.Current;
        File.Delete(ws.ScriptPath);

        Assert.That(provider.Reload().Errors.Single().Message, Does.Contain("not found"));
        Assert.That(provider.Current, Is.SameAs(first));
    }

    [Test]
    public void A_broken_data_file_on_reload_is_reported_and_the_old_script_kept()
    {
        using var ws = new ScriptWorkspace();
        ws.File("data/vip.txt", "13700000001\n");
        var withData = """
            languages: [zh, en]
            data:
              vip: { type: callers, file: data/vip.txt }
            entries:
              default: main
            nodes:
              main:
                - lookup: vip
                  then: vip
                - queue: general
              vip:
                - queue: vip
            """;
        File.WriteAllText(ws.ScriptPath, withData);
        var provider = IvrScriptProvider.LoadOrThrow(ws.ScriptPath);
        var first = provider.Current!;
        Assert.That(first.CallerLists["vip"].Contains("13700000001"), Is.True);

        ws.File("data/vip.txt", "13700000001\n1370000000x\n");
        var result = provider.Reload();
        Assert.That(result.Errors.Single().ToString(), Does.Contain(Path.Combine("data", "vip.txt") + ":2:1: error: '1370000000x' is not a phone number"));
        Assert.That(provider.Current, Is.SameAs(first));
    }

    [Test]
    public void Start_up_with_an_invalid_script_throws_with_every_error()
    {
        using var ws = new ScriptWorkspace();
        File.WriteAllText(ws.ScriptPath, Broken);
        var ex = Assert.Throws<IvrScriptException>(() => IvrScriptProvider.LoadOrThrow(ws.ScriptPath));
        Assert.That(ex!.Errors, Has.Count.EqualTo(1));
        Assert.That(ex.Message, Does.Contain(":7:13: error: unknown node 'lobby'"));
    }

    [Test]
    public async Task Concurrent_readers_always_see_a_whole_script_while_reloads_run()
    {
        using var ws = new ScriptWorkspace();
        File.WriteAllText(ws.ScriptPath, Good);
        var provider = IvrScriptProvider.LoadOrThrow(ws.ScriptPath);
        using var stop = new CancellationTokenSource();
        var seen = 0;
        using var readerRunning = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var s = provider.Current!;
                Assert.That(s.Nodes.ContainsKey("main"), Is.True);
                seen++;
                readerRunning.Set();
            }
        });
        // On a loaded machine the reader may not be scheduled before the reloads are over;
        // wait until it really reads, so the test exercises reads during reloads.
        Assert.That(readerRunning.Wait(TimeSpan.FromSeconds(30)), Is.True, "reader never started");
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(ws.ScriptPath, i % 3 == 0 ? Broken : i % 2 == 0 ? Good : GoodV2);
            provider.Reload();
        }
        await stop.CancelAsync();
        await reader;
        Assert.That(seen, Is.GreaterThan(0));
        Assert.That(provider.Current, Is.Not.Null);
    }
}

public class ProviderWatchTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task Watching_reloads_after_the_files_go_quiet(CancellationToken cancellationToken)
    {
        using var ws = new ScriptWorkspace();
        File.WriteAllText(ws.ScriptPath, "languages: [zh]\nentries: { default: main }\nnodes:\n  main:\n    - queue: general\n");
        var provider = IvrScriptProvider.LoadOrThrow(ws.ScriptPath);
        var first = provider.Current;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var watch = provider.Watch(TimeSpan.FromSeconds(2), time);

        File.WriteAllText(ws.ScriptPath, "languages: [zh]\nentries: { default: main }\nnodes:\n  main:\n    - queue: english\n");

        // The file-system event arrives on its own; the quiet period runs on the fake clock.
        // Until the fake clock moves past the quiet period, nothing reloads.
        await Task.Delay(300, cancellationToken);
        Assert.That(provider.Current, Is.SameAs(first));
        while (provider.Current == first)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(50, cancellationToken);
        }
        Assert.That(((QueueStep)provider.Current!.Nodes["main"].Steps[0]).Queue, Is.EqualTo("english"));
    }
}
