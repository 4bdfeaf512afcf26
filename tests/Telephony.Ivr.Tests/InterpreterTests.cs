namespace Telephony.Ivr.Tests;

/// <summary>Interpreter behaviour on small purpose-built scripts.</summary>
public class InterpreterTests
{
    private ScriptWorkspace _ws = null!;
    private readonly IvrInterpreter _ivr = new();

    [SetUp]
    public void SetUp() => _ws = new ScriptWorkspace();

    [TearDown]
    public void TearDown() => _ws.Dispose();

    private IvrScript Load(string yaml)
    {
        var result = _ws.Load(yaml);
        Assert.That(result.Errors, Is.Empty, string.Join(Environment.NewLine, result.Errors));
        return result.Script!;
    }

    [Test]
    public async Task The_step_budget_stops_a_caller_driven_loop_and_hangs_up_without_a_fallback()
    {
        var script = Load("""
            languages: [zh]
            limits: { max-steps: 25 }
            entries: { default: main }
            nodes:
              main:
                - menu: menu
                  options: { "1": main }
                  retries: 0
                - hangup: bye
            """);
        var channel = new FakeChannel("100") { RepeatForever = '1' };

        var result = await _ivr.RunAsync(script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.HungUp));
        Assert.That(result.Reason, Is.EqualTo("step budget exhausted"));
        Assert.That(result.StepsUsed, Is.EqualTo(26));
        Assert.That(channel.HungUp, Is.True);
    }

    [Test]
    public async Task Menu_retries_are_bounded_and_the_last_timeout_falls_through_to_the_next_step()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - menu: menu
                  options: { "1": other }
                  retries: 2
                  timeout: 3s
                  timeout-prompt: invalid
                - hangup: bye
              other:
                - queue: other
            """);
        var channel = new FakeChannel("100");
        var start = channel.Clock.GetUtcNow();

        var result = await _ivr.RunAsync(script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.HungUp));
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "menu", "invalid", "menu", "invalid", "menu", "bye" }));
        Assert.That(result.Path.Count(p => p.Kind == IvrPathKind.Timeout), Is.EqualTo(3));
        // 6 prompts at 1 s + 3 timeouts of 3 s.
        Assert.That(channel.Clock.GetUtcNow() - start, Is.EqualTo(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public async Task A_menu_with_other_sends_every_unlisted_key_there_without_calling_it_invalid()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - menu: hello
                  options:
                    "9": nine
                    other: full-menu
                  timeout: 800ms
                  retries: 0
                  on-timeout: silent
              full-menu:
                - menu: menu
                  options: { "1": one }
              nine:
                - queue: nine
              one:
                - queue: one
              silent:
                - queue: silent
            """);

        // Pressed during the greeting: '4' is not listed, so it opens the full menu (and is used up there).
        var opened = new FakeChannel("100").Press("41");
        var viaMenu = await _ivr.RunAsync(script, opened);
        Assert.That(viaMenu.Queue!.Queue, Is.EqualTo("one"));
        Assert.That(viaMenu.PathText, Is.EqualTo("main [4] full-menu [1] one <queue:one>"), "no [invalid …] for a key that has a place");
        Assert.That(opened.PlayedNames, Is.EqualTo(new[] { "hello", "menu" }));

        Assert.That((await _ivr.RunAsync(script, new FakeChannel("100").Press("9"))).Queue!.Queue, Is.EqualTo("nine"), "a listed key keeps its own node");
        var silent = new FakeChannel("100");
        var start = silent.Clock.GetUtcNow();
        Assert.That((await _ivr.RunAsync(script, silent)).Queue!.Queue, Is.EqualTo("silent"));
        Assert.That(silent.Clock.GetUtcNow() - start, Is.EqualTo(TimeSpan.FromMilliseconds(1800)), "one prompt (1 s in the fake) and the 800 ms timeout");
    }

    [Test]
    public async Task Collect_reads_digits_until_the_terminator_and_records_them()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - collect: menu
                  into: case-number
                  min: 4
                  max: 8
                  terminator: "#"
                  retries: 1
                  invalid-prompt: invalid
                - queue: followup
            """);
        var channel = new FakeChannel("100").Press("12#").Press("20261127#");

        var result = await _ivr.RunAsync(script, channel);

        Assert.That(result.Queue!.Variables["case-number"], Is.EqualTo("20261127"));
        Assert.That(channel.Records.OfType<IvrDigitsRecord>().Single().Digits, Is.EqualTo("20261127"));
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "menu", "invalid", "menu" }), "the too-short first try was refused");
        Assert.That(result.PathText, Does.Contain("[12] [invalid 12] [20261127]"));
    }

    [Test]
    public async Task Collect_that_never_gets_enough_digits_goes_to_on_fail()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - collect: menu
                  into: id
                  min: 3
                  retries: 1
                  on-fail: give-up
                - queue: ok
              give-up:
                - hangup: bye
            """);
        var result = await _ivr.RunAsync(script, new FakeChannel("100"));
        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.HungUp));
        Assert.That(result.Variables, Is.Empty);
    }

    [Test]
    public async Task A_key_pressed_during_a_barge_in_prompt_answers_the_next_menu_and_skips_its_prompt()
    {
        var script = Load("""
            languages: [zh, en]
            entries: { default: main }
            nodes:
              main:
                - play: [hello, bye]
                - play: hello
                - play: bye
                  barge-in: false
                - menu: menu
                  options: { "2": two }
              two:
                - queue: two
            """);
        var channel = new FakeChannel("100").Press("2");

        var result = await _ivr.RunAsync(script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("two"));
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "hello", "bye" }),
            "first prompt cut short, the skippable play skipped, the barge-in-less play kept, the menu prompt skipped");
    }

    [Test]
    public async Task The_dialed_number_selects_the_entry_node_and_set_shapes_the_queue_request()
    {
        var script = Load("""
            languages: [zh, en]
            entries:
              "12345": main
              "12319": urban
              default: main
            nodes:
              main:
                - queue: general
              urban:
                - set: { skills: [urban, complaints], priority: 4, language: en }
                - queue: general
                  skills: [urban]
                  priority: 6
            """);
        var urban = await _ivr.RunAsync(script, new FakeChannel("100", "tel:12319"));
        var other = await _ivr.RunAsync(script, new FakeChannel("100", "99999"));
        Assert.That(script.EntryFor("sip:12319@10.0.0.5:5060;user=phone"), Is.EqualTo("urban"));
        Assert.That(script.EntryFor("12319"), Is.EqualTo("urban"));

        Assert.That(urban.Queue, Is.Not.Null);
        Assert.That((urban.Queue!.Skills, urban.Queue.Priority, urban.Queue.Language), Is.EqualTo((new[] { "urban", "complaints" }, 6, "en")).Using<(IReadOnlyList<string>, int, string), (string[], int, string)>(
            (a, b) => a.Item1.SequenceEqual(b.Item1) && a.Item2 == b.Item2 && a.Item3 == b.Item3));
        Assert.That(urban.Path[0].Value, Is.EqualTo("urban"));
        Assert.That(other.Path[0].Value, Is.EqualTo("main"));
        Assert.That(other.Queue!.Language, Is.EqualTo("zh"));
    }

    [Test]
    public async Task Falling_off_the_end_of_a_node_hangs_up()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - play: hello
            """);
        var channel = new FakeChannel("100");
        var result = await _ivr.RunAsync(script, channel);
        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.HungUp));
        Assert.That(result.Reason, Is.EqualTo("end of node 'main'"));
        Assert.That(channel.HungUp, Is.True);
    }

    [Test]
    public async Task Shutdown_cancellation_propagates()
    {
        var script = Load("""
            languages: [zh]
            entries: { default: main }
            nodes:
              main:
                - play: hello
            """);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.That(async () => await _ivr.RunAsync(script, new CancellingChannel(), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    private sealed class CancellingChannel : IIvrChannel
    {
        public string CallId => "c";
        public string CallerNumber => "1";
        public string DialedNumber => "2";
        public TimeProvider Time => TimeProvider.System;
        public ValueTask<char?> PlayAsync(IReadOnlyList<IvrPrompt> prompts, bool bargeIn, CancellationToken cancellationToken) =>
            ValueTask.FromCanceled<char?>(cancellationToken);
        public ValueTask<char?> ReadDigitAsync(TimeSpan timeout, CancellationToken cancellationToken) => ValueTask.FromCanceled<char?>(cancellationToken);
        public ValueTask<bool> TransferAsync(string number, CancellationToken cancellationToken) => ValueTask.FromResult(true);
        public ValueTask HangupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public void Record(IvrRecord record) { }
    }
}

public class CallerListTests
{
    [TestCase("13900000002")]
    [TestCase("+86 139-0000-0002")]
    [TestCase("008613900000002")]
    [TestCase("8613900000002")]
    [TestCase("sip:+8613900000002@10.1.2.3;user=phone")]
    [TestCase("tel:+86-139-0000-0002")]
    public void Numbers_match_however_the_trunk_writes_them(string presented)
    {
        var list = new CallerList("taxi", ["139-0000-0002"]);
        Assert.That(list.Contains(presented), Is.True);
    }

    [TestCase("13900000003")]
    [TestCase("sip:anonymous@10.1.2.3")]
    [TestCase("")]
    public void Other_numbers_do_not_match(string presented) =>
        Assert.That(new CallerList("taxi", ["13900000002"]).Contains(presented), Is.False);
}

public class QueuePositionPhraseTests
{
    [TestCase(1, "1")]
    [TestCase(10, "10")]
    [TestCase(12, "10 2")]
    [TestCase(20, "2 10")]
    [TestCase(23, "2 10 3")]
    [TestCase(100, "1 100")]
    [TestCase(105, "1 100 0 5")]
    [TestCase(112, "1 100 1 10 2")]
    [TestCase(230, "2-liang 100 3 10")]
    public void Mandarin_numbers(int n, string words) =>
        Assert.That(string.Join(" ", QueuePositionPhrase.Mandarin(n)), Is.EqualTo(words));

    [TestCase(7, "7")]
    [TestCase(13, "13")]
    [TestCase(40, "40")]
    [TestCase(42, "40 2")]
    [TestCase(300, "3 100")]
    [TestCase(119, "1 100 19")]
    [TestCase(1234, "1 2 3 4")]
    public void English_numbers(int n, string words) =>
        Assert.That(string.Join(" ", QueuePositionPhrase.English(n)), Is.EqualTo(words));

    [Test]
    public void The_phrase_wraps_the_number()
    {
        Assert.That(QueuePositionPhrase.Prompts("en", 3), Is.EqualTo(new[] { "queue-you-are", "num/3", "queue-in-queue" }));
        Assert.That(QueuePositionPhrase.Prompts("zh", 21), Is.EqualTo(new[] { "queue-you-are", "num/2", "num/10", "num/1", "queue-in-queue" }));
    }
}
