namespace Telephony.Ivr.Tests;

/// <summary>The real ivr-scripts/12345.yaml: it validates, its prompts are telephony WAVs.</summary>
public class HotlineScriptTests
{
    [Test]
    public void The_hotline_script_loads_with_zero_errors()
    {
        var result = IvrScriptLoader.LoadFile(RepoPaths.HotlineScript);
        Assert.That(result.Errors, Is.Empty, string.Join(Environment.NewLine, result.Errors));
        Assert.That(result.Script, Is.Not.Null);
        Assert.That(result.Script!.Languages, Is.EqualTo(new[] { "zh", "en" }));
    }

    [Test]
    public void Every_referenced_prompt_exists_in_both_languages_as_8kHz_mono_16bit_PCM()
    {
        var script = IvrScriptLoader.LoadFile(RepoPaths.HotlineScript).Script!;
        // The script's own references, plus what the host needs: queue-position words and music on hold.
        var names = script.ReferencedPrompts.ToList();
        foreach (var n in new[] { 0, 1, 2, 9, 10, 11, 19, 20, 23, 99, 100, 105, 110, 200, 999 })
        {
            names.AddRange(QueuePositionPhrase.Prompts("zh", n).Select(p => "zh:" + p));
            names.AddRange(QueuePositionPhrase.Prompts("en", n).Select(p => "en:" + p));
        }
        Assert.That(script.ReferencedPrompts, Has.Count.GreaterThan(20));

        var checkedFiles = new List<string>();
        foreach (var entry in names.Distinct())
        {
            var languages = entry.Contains(':', StringComparison.Ordinal) ? [entry[..2]] : script.Languages;
            var name = entry.Contains(':', StringComparison.Ordinal) ? entry[3..] : entry;
            foreach (var lang in languages)
            {
                checkedFiles.Add(script.PromptPath(lang, name));
            }
        }
        checkedFiles.Add(Path.Combine(RepoPaths.Root, "ivr-scripts", "prompts", "moh.wav"));

        foreach (var file in checkedFiles.Distinct())
        {
            Assert.That(File.Exists(file), Is.True, file);
            var (format, channels, rate, bits, dataBytes) = ReadWavHeader(file);
            Assert.That((format, channels, rate, bits), Is.EqualTo((1, 1, 8000, 16)), file);
            Assert.That(dataBytes, Is.GreaterThan(1600), file + " holds almost no audio");
        }
        var moh = ReadWavHeader(Path.Combine(RepoPaths.Root, "ivr-scripts", "prompts", "moh.wav"));
        Assert.That(moh.DataBytes / 16000.0, Is.InRange(15.0, 25.0), "music on hold runs about 20 s");
    }

    [Test]
    public void Committed_prompts_stay_well_under_5_MB()
    {
        var total = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "ivr-scripts", "prompts"), "*.wav", SearchOption.AllDirectories)
            .Sum(f => new FileInfo(f).Length);
        Assert.That(total, Is.LessThan(4_500_000));
    }

    [Test]
    public void The_greeting_is_short_so_a_silent_caller_reaches_a_person_quickly()
    {
        var script = IvrScriptLoader.LoadFile(RepoPaths.HotlineScript).Script!;
        var greeting = (MenuStep)script.Nodes["greeting"].Steps.Single();
        foreach (var lang in script.Languages)
        {
            var seconds = greeting.Prompts.Names.Sum(n => ReadWavHeader(script.PromptPath(lang, n)).DataBytes / 16000.0);
            Assert.That(seconds + greeting.Timeout.TotalSeconds, Is.LessThan(16), $"{lang}: greeting {seconds:F1} s");
        }
    }

    /// <summary>Independent of the library's reader: walk RIFF chunks for fmt and data.</summary>
    private static (int Format, int Channels, int Rate, int Bits, long DataBytes) ReadWavHeader(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        Assert.That(new string(r.ReadChars(4)), Is.EqualTo("RIFF"), path);
        r.ReadInt32();
        Assert.That(new string(r.ReadChars(4)), Is.EqualTo("WAVE"), path);
        int format = 0, channels = 0, rate = 0, bits = 0;
        long data = -1;
        while (r.BaseStream.Position + 8 <= r.BaseStream.Length)
        {
            var id = new string(r.ReadChars(4));
            var size = r.ReadUInt32();
            var next = r.BaseStream.Position + size + (size & 1);
            if (id == "fmt ")
            {
                format = r.ReadInt16();
                channels = r.ReadInt16();
                rate = r.ReadInt32();
                r.ReadInt32();
                r.ReadInt16();
                bits = r.ReadInt16();
            }
            else if (id == "data")
            {
                data = size;
            }
            r.BaseStream.Position = Math.Min(next, r.BaseStream.Length);
        }
        return (format, channels, rate, bits, data);
    }
}

/// <summary>Calls through the real 12345 flow over the scripted fake channel.</summary>
public class HotlineFlowTests
{
    private static readonly IvrScript Script = LoadHotline();
    private readonly IvrInterpreter _ivr = new();

    // Tuesday 2026-11-24 10:00 in Beijing (UTC+8): an ordinary working morning.
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset WednesdayMorning = new(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset WednesdayAfternoon = new(2026, 11, 25, 15, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset NationalDay = new(2026, 10, 2, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset SaturdayMorning = new(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(8));

    private static IvrScript LoadHotline()
    {
        var result = IvrScriptLoader.LoadFile(RepoPaths.HotlineScript);
        return result.Script ?? throw new InvalidOperationException(string.Join(Environment.NewLine, result.Errors));
    }

    private static FakeChannel Caller(string number = "13812345678", DateTimeOffset? at = null, string dialed = "12345") =>
        new(number, dialed, new FakeTimeProvider(at ?? TuesdayMorning));

    [Test]
    public async Task A_caller_who_presses_nothing_reaches_the_general_queue_in_Mandarin()
    {
        var channel = Caller();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.Queue.Language, Is.EqualTo("zh"));
        Assert.That(result.Queue.Skills, Is.EqualTo(new[] { "general" }));
        Assert.That(result.Queue.SurveyNode, Is.EqualTo("survey"));
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "greeting", "for-english", "main-options", "connecting" }));
        Assert.That(channel.Played[0].FilePath, Does.EndWith(Path.Combine("prompts", "zh", "greeting.wav")));
        Assert.That(result.PathText, Is.EqualTo("main <taxi-drivers:miss> <deputies:miss> <holiday:no> greeting [timeout] agent <leaders-day:no> <queue:general>"));
        // Greeting (3 prompts) + 2 s of silence + the "connecting" prompt: a person within seconds.
        Assert.That(channel.Clock.GetUtcNow() - TuesdayMorning, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(6)));
    }

    [Test]
    public async Task Nine_during_the_greeting_goes_to_the_English_queue_with_skill_en()
    {
        var channel = Caller().Press("9");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("english"));
        Assert.That(result.Queue.Language, Is.EqualTo("en"));
        Assert.That(result.Queue.Skills, Does.Contain("en"));
        // Pressed during the first prompt: the rest of the greeting is cut short (barge-in).
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "greeting", "connecting" }));
        Assert.That(channel.Played[1].Language, Is.EqualTo("en"));
        Assert.That(channel.Played[1].FilePath, Does.EndWith(Path.Combine("prompts", "en", "connecting.wav")));
        Assert.That(result.Path.Where(p => p.Kind == IvrPathKind.Digits).Select(p => p.Value), Is.EqualTo(new[] { "9" }));
    }

    [Test]
    public async Task A_known_taxi_driver_is_routed_to_the_taxi_lane_by_caller_number()
    {
        var channel = Caller("+86-139-0000-0002");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("taxi"));
        Assert.That(result.Queue.Priority, Is.EqualTo(3));
        Assert.That(result.Queue.Skills, Does.Contain("taxi"));
        Assert.That(channel.PlayedNames, Does.Not.Contain("greeting"), "known drivers skip the greeting");
    }

    [Test]
    public async Task A_deputy_is_routed_to_the_deputy_lane_with_its_priority()
    {
        var result = await _ivr.RunAsync(Script, Caller("13700000003"));

        Assert.That(result.Queue!.Queue, Is.EqualTo("deputies"));
        Assert.That(result.Queue.Priority, Is.EqualTo(8));
        Assert.That(result.Queue.Skills, Does.Contain("deputies"));
    }

    [Test]
    public async Task An_unknown_taxi_driver_can_press_1_for_the_taxi_lane()
    {
        var result = await _ivr.RunAsync(Script, Caller().Press("1"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("taxi"));
    }

    [TestCase("3", "12309")]
    [TestCase("1", "12348")]
    [TestCase("2", "12355")]
    public async Task A_partner_hotline_choice_transfers_to_its_number_in_office_hours(string key, string number)
    {
        var channel = Caller().Press("2").Press(key);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Transferred));
        Assert.That(result.TransferNumber, Is.EqualTo(number));
        Assert.That(channel.TransferredTo, Is.EqualTo(number));
        Assert.That(channel.PlayedNames.Last(), Is.EqualTo("partner-connecting"));
    }

    [Test]
    public async Task A_busy_partner_line_falls_back_to_our_own_agents()
    {
        var channel = Caller().Press("23");
        channel.UnreachableNumbers.Add("12309");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.PathText, Does.Contain("<transfer:12309:failed> partner-closed"));
    }

    [Test]
    public async Task Legal_aid_outside_its_office_hours_goes_to_our_own_agents_instead()
    {
        var channel = Caller(at: SaturdayMorning).Press("21");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(channel.TransferredTo, Is.Null);
        Assert.That(channel.PlayedNames, Does.Contain("partner-closed"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Taiwan_compatriots_reach_general_agents_with_the_taiwan_skill()
    {
        var result = await _ivr.RunAsync(Script, Caller().Press("25"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.Queue.Skills, Does.Contain("taiwan"));
    }

    [Test]
    public async Task Traffic_information_plays_the_highway_entry_from_the_data_file()
    {
        var channel = Caller().Press("31").Silence();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames, Does.Contain("info/highway-today"));
        // After the information the traffic menu returns; silence there means a person.
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Bus_times_are_chosen_by_the_route_digits_the_caller_keys_in()
    {
        var channel = Caller().Press("32").Press("202#").Silence();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames, Does.Contain("info/bus-202"));
        Assert.That(channel.PlayedNames, Does.Not.Contain("bus-not-found"));
        Assert.That(result.Path.Select(p => p.ToString()), Does.Contain("[202]"));
    }

    [Test]
    public async Task An_unknown_bus_route_is_retried_then_handed_to_an_agent()
    {
        var channel = Caller().Press("32").Press("999#").Press("777#");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames.Count(n => n == "bus-not-found"), Is.EqualTo(2));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task On_the_leaders_answering_day_callers_reach_the_leaders_queue()
    {
        var channel = Caller(at: WednesdayMorning);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("leaders"));
        Assert.That(result.Queue.Priority, Is.EqualTo(5));
        Assert.That(channel.PlayedNames, Does.Contain("leaders-day"));
    }

    [Test]
    public async Task Outside_the_leaders_hours_the_same_Wednesday_is_an_ordinary_day()
    {
        var result = await _ivr.RunAsync(Script, Caller(at: WednesdayAfternoon));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task On_a_holiday_from_the_calendar_file_the_holiday_greeting_plays_first()
    {
        var channel = Caller(at: NationalDay);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames.First(), Is.EqualTo("holiday"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.PathText, Does.Contain("<holiday:yes>"));
    }

    [Test]
    public async Task A_former_hotline_number_enters_with_its_own_skill()
    {
        var result = await _ivr.RunAsync(Script, Caller(dialed: "12315"));

        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.Queue.Skills, Does.Contain("consumer"));
        Assert.That(result.Path[0].Value, Is.EqualTo("consumer"));
    }

    [Test]
    public async Task An_invalid_key_in_the_partner_menu_is_retried_then_ends_with_an_agent()
    {
        var channel = Caller().Press("2").Press("8").Press("7");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames.Count(n => n == "invalid"), Is.EqualTo(2));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Silence_in_the_partner_menu_is_retried_once_then_ends_with_an_agent()
    {
        var channel = Caller().Press("2").Silence(2);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames.Count(n => n == "partner-menu"), Is.EqualTo(2));
        Assert.That(channel.PlayedNames, Does.Contain("no-input"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task The_post_call_survey_records_the_score_in_the_callers_language()
    {
        var first = await _ivr.RunAsync(Script, Caller().Press("9"));
        var channel = Caller().Press("4");

        var survey = await _ivr.RunSurveyAsync(Script, channel, first.Queue!);

        Assert.That(survey.SurveyScore, Is.EqualTo(4));
        Assert.That(channel.Records.OfType<IvrSurveyRecord>().Single(), Has.Property("Score").EqualTo(4).And.Property("Name").EqualTo("satisfaction"));
        Assert.That(channel.Played.Select(p => p.Language).Distinct(), Is.EqualTo(new[] { "en" }));
        Assert.That(survey.Outcome, Is.EqualTo(IvrOutcome.HungUp));
        Assert.That(channel.HungUp, Is.True);
    }

    [Test]
    public async Task A_survey_with_an_out_of_range_key_then_silence_records_no_score()
    {
        var first = await _ivr.RunAsync(Script, Caller());
        var channel = Caller().Press("8").Silence();

        var survey = await _ivr.RunSurveyAsync(Script, channel, first.Queue!);

        Assert.That(survey.SurveyScore, Is.Null);
        Assert.That(channel.Records.OfType<IvrSurveyRecord>().Single().Score, Is.Null);
        Assert.That(channel.HungUp, Is.True);
    }

    [Test]
    public async Task A_caller_who_hangs_up_during_the_menu_ends_the_run_cleanly()
    {
        var channel = Caller().Press("2");
        channel.HangUpWhenInputRunsOut = true;
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.CallerHungUp));
        Assert.That(result.Queue, Is.Null);
    }

    [Test]
    public async Task A_caller_who_keeps_pressing_star_is_stopped_by_the_step_budget_and_sent_to_a_person()
    {
        // "2" opens the partner menu, "*" goes back to the greeting, whose "2" … for ever.
        var channel = Caller();
        channel.RepeatForever = null;
        var keys = string.Concat(Enumerable.Repeat("2*", 200));
        channel.Press(keys);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"), "the script's fallback queue");
        Assert.That(result.Reason, Is.EqualTo("step budget exhausted"));
        Assert.That(result.StepsUsed, Is.EqualTo(Script.MaxSteps + 1));
    }
}
