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
            var (format, channels, rate, bits, dataBytes) = WavFile.ReadHeader(file);
            Assert.That((format, channels, rate, bits), Is.EqualTo((1, 1, 8000, 16)), file);
            Assert.That(dataBytes, Is.GreaterThan(1600), file + " holds almost no audio");
        }
        var moh = WavFile.ReadHeader(Path.Combine(RepoPaths.Root, "ivr-scripts", "prompts", "moh.wav"));
        Assert.That(moh.DataBytes / 16000.0, Is.InRange(15.0, 25.0), "music on hold runs about 20 s");
    }

    [Test]
    public void Committed_prompts_stay_well_under_5_MB()
    {
        var total = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "ivr-scripts", "prompts"), "*.wav", SearchOption.AllDirectories)
            .Sum(f => new FileInfo(f).Length);
        Assert.That(total, Is.LessThan(4_500_000));
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

    /// <summary>
    /// The national standard (GB/T 33358) wants a person within 15 s and prefers no menu at all, so
    /// the IVR may spend at most 5 s on a caller who presses nothing, whatever the day. Prompts take as
    /// long as their WAV files play: the clock measures what the caller waits, from answer to the queue.
    /// </summary>
    [TestCaseSource(nameof(SilentCallerDays))]
    public async Task A_silent_Mandarin_caller_is_in_the_queue_within_5_seconds_of_answer(DateTimeOffset answeredAt, string queue)
    {
        var channel = Caller(at: answeredAt);
        channel.RealPromptLengths = true;

        var result = await _ivr.RunAsync(Script, channel);

        var waited = channel.Clock.GetUtcNow() - answeredAt;
        TestContext.Progress.WriteLine($"{answeredAt:yyyy-MM-dd HH:mm}: queued in '{result.Queue?.Queue}' {waited.TotalSeconds:F2} s after answer; heard {string.Join(", ", channel.PlayedNames)}");
        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That((result.Queue!.Queue, result.Queue.Language), Is.EqualTo((queue, "zh")));
        Assert.That(waited, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }

    private static IEnumerable<TestCaseData> SilentCallerDays()
    {
        yield return new TestCaseData(TuesdayMorning, "general").SetName("Silent_caller_on_an_ordinary_day");
        yield return new TestCaseData(NationalDay, "general").SetName("Silent_caller_on_a_public_holiday");
        yield return new TestCaseData(WednesdayMorning, "leaders").SetName("Silent_caller_on_the_leaders_answering_day");
    }

    /// <summary>
    /// Every lane of the hotline (ivr-scripts/README.md has the map) and the keys that reach it.
    /// In <c>keys</c>, '.' is a wait the caller lets run out; the first key during the greeting opens
    /// the menu (any key but 9). Reached: <c>queue:name skills language priority</c> (skills sorted)
    /// or <c>transfer:number</c>; <c>hears</c> is a prompt the lane must play on the way.
    /// </summary>
    [TestCaseSource(nameof(Lanes))]
    public async Task Every_lane_is_reachable(string caller, string dialed, DateTimeOffset at, string keys, string reached, string? hears)
    {
        var channel = Caller(caller, at, dialed);
        foreach (var k in keys)
        {
            if (k == '.') channel.Silence();
            else channel.Press(k.ToString());
        }

        var result = await _ivr.RunAsync(Script, channel);

        var actual = result switch
        {
            { Outcome: IvrOutcome.Transferred } => "transfer:" + result.TransferNumber,
            { Outcome: IvrOutcome.Queued, Queue: { } q } => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"queue:{q.Queue} {string.Join(",", q.Skills.Order(StringComparer.Ordinal))} {q.Language} {q.Priority}"),
            _ => result.Outcome.ToString(),
        };
        Assert.That(actual, Is.EqualTo(reached), result.PathText);
        Assert.That(result.Reason, Is.Null, "reached by the script itself, not by the step budget");
        if (hears is not null) Assert.That(channel.PlayedNames, Does.Contain(hears), result.PathText);
    }

    private static IEnumerable<TestCaseData> Lanes()
    {
        const string Citizen = "13812345678", Hotline = "12345";
        TestCaseData Lane(string name, string keys, string reached, string? hears = null, string caller = Citizen, string dialed = Hotline, DateTimeOffset? at = null) =>
            new TestCaseData(caller, dialed, at ?? TuesdayMorning, keys, reached, hears).SetName("Lane_" + name);

        yield return Lane("Mandarin_silence", "", "queue:general general zh 0");
        yield return Lane("Mandarin_menu_0", "50", "queue:general general zh 0", hears: "connecting");
        yield return Lane("English_9_during_the_greeting", "9", "queue:english en,general en 0");
        yield return Lane("English_9_in_the_menu", "59", "queue:english en,general en 0");
        yield return Lane("Taxi_known_number", "", "queue:taxi general,taxi zh 3", hears: "taxi-lane", caller: "+86-139-0000-0002");
        yield return Lane("Taxi_menu_1", "11", "queue:taxi general,taxi zh 3", hears: "taxi-lane");
        yield return Lane("Deputy_known_number", "", "queue:deputies deputies,general zh 8", hears: "deputy-lane", caller: "13700000003");
        yield return Lane("Partner_legal_aid", "121", "transfer:12348", hears: "partner-connecting");
        yield return Lane("Partner_youth_rights", "122", "transfer:12355", hears: "partner-connecting");
        yield return Lane("Partner_procuratorate", "123", "transfer:12309", hears: "partner-connecting");
        yield return Lane("Charity", "124", "queue:general charity,general zh 0");
        yield return Lane("Taiwan_compatriots", "125", "queue:general general,taiwan zh 0");
        yield return Lane("Partner_menu_star_back_to_the_menu_then_0", "12*0", "queue:general general zh 0");
        yield return Lane("Traffic_highway", "131.", "queue:general general zh 0", hears: "info/highway-today");
        yield return Lane("Traffic_bus_times", "132202#.", "queue:general general zh 0", hears: "info/bus-202");
        yield return Lane("Leaders_day_silence", "", "queue:leaders general,leaders zh 5", hears: "leaders-greeting", at: WednesdayMorning);
        yield return Lane("Leaders_day_menu_0", "50", "queue:leaders general,leaders zh 5", hears: "connecting", at: WednesdayMorning);
        yield return Lane("Holiday_silence", "", "queue:general general zh 0", hears: "holiday-greeting", at: NationalDay);
        yield return Lane("Former_consumer_hotline_12315", "", "queue:general consumer,general zh 0", dialed: "12315");
        yield return Lane("Former_urban_hotline_12319", "", "queue:general general,urban zh 0", dialed: "12319");
    }

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
        // The greeting is all: no menu, not even "connecting" (the queue's music and position follow).
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "greeting", "for-english" }));
        Assert.That(channel.Played[0].FilePath, Does.EndWith(Path.Combine("prompts", "zh", "greeting.wav")));
        Assert.That(result.PathText, Is.EqualTo("main <taxi-drivers:miss> <deputies:miss> <leaders-day:no> <holiday:no> greeting [timeout] general <queue:general>"));
        // Two prompts (1 s each in this fake) and the greeting's 700 ms for a late 9.
        Assert.That(channel.Clock.GetUtcNow() - TuesdayMorning, Is.EqualTo(TimeSpan.FromMilliseconds(2700)));
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
    public async Task Any_other_key_during_the_greeting_opens_the_menu_which_then_chooses()
    {
        var channel = Caller().Press("1").Press("1");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("taxi"), "an unknown taxi driver: any key, then 1");
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "greeting", "main-options", "taxi-lane" }), "the first key cut the greeting short, the second the menu");
        Assert.That(result.PathText, Does.Contain("greeting [1] main-menu [1] taxi"));
        Assert.That(result.Path.Any(p => p.Kind == IvrPathKind.Invalid), Is.False, "a key that opens the menu is not a mistake");
    }

    [Test]
    public async Task Silence_in_the_menu_after_a_key_reaches_a_person_after_saying_so()
    {
        var channel = Caller().Press("5").Silence();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "greeting", "main-options", "for-english", "connecting" }));
        Assert.That(result.PathText, Does.EndWith("main-menu [timeout] agent <leaders-day:no> general <queue:general>"));
    }

    [TestCase("3", "12309")]
    [TestCase("1", "12348")]
    [TestCase("2", "12355")]
    public async Task A_partner_hotline_choice_transfers_to_its_number_in_office_hours(string key, string number)
    {
        var channel = Caller().Press("12").Press(key);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Transferred));
        Assert.That(result.TransferNumber, Is.EqualTo(number));
        Assert.That(channel.TransferredTo, Is.EqualTo(number));
        Assert.That(channel.PlayedNames.Last(), Is.EqualTo("partner-connecting"));
    }

    [Test]
    public async Task A_busy_partner_line_falls_back_to_our_own_agents()
    {
        var channel = Caller().Press("123");
        channel.UnreachableNumbers.Add("12309");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.PathText, Does.Contain("<transfer:12309:failed> partner-closed"));
    }

    [Test]
    public async Task Legal_aid_outside_its_office_hours_goes_to_our_own_agents_instead()
    {
        var channel = Caller(at: SaturdayMorning).Press("121");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(channel.TransferredTo, Is.Null);
        Assert.That(channel.PlayedNames, Does.Contain("partner-closed"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Taiwan_compatriots_reach_general_agents_with_the_taiwan_skill()
    {
        var result = await _ivr.RunAsync(Script, Caller().Press("125"));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
        Assert.That(result.Queue.Skills, Does.Contain("taiwan"));
    }

    [Test]
    public async Task Traffic_information_plays_the_highway_entry_from_the_data_file()
    {
        var channel = Caller().Press("131").Silence();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames, Does.Contain("info/highway-today"));
        // After the information the traffic menu returns; silence there means a person.
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Bus_times_are_chosen_by_the_route_digits_the_caller_keys_in()
    {
        var channel = Caller().Press("132").Press("202#").Silence();
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames, Does.Contain("info/bus-202"));
        Assert.That(channel.PlayedNames, Does.Not.Contain("bus-not-found"));
        Assert.That(result.Path.Select(p => p.ToString()), Does.Contain("[202]"));
    }

    [Test]
    public async Task An_unknown_bus_route_is_retried_then_handed_to_an_agent()
    {
        var channel = Caller().Press("132").Press("999#").Press("777#");
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
        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "leaders-greeting", "for-english" }), "the greeting says it is the leaders' day");
    }

    [Test]
    public async Task Outside_the_leaders_hours_the_same_Wednesday_is_an_ordinary_day()
    {
        var result = await _ivr.RunAsync(Script, Caller(at: WednesdayAfternoon));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task On_a_holiday_from_the_calendar_file_the_holiday_greeting_plays_instead()
    {
        var channel = Caller(at: NationalDay);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames, Is.EqualTo(new[] { "holiday-greeting", "for-english" }));
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
        var channel = Caller().Press("12").Press("8").Press("7");
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(channel.PlayedNames.Count(n => n == "invalid"), Is.EqualTo(2));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"));
    }

    [Test]
    public async Task Silence_in_the_partner_menu_is_retried_once_then_ends_with_an_agent()
    {
        var channel = Caller().Press("12").Silence(2);
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

    [TestCase(false, TestName = "A caller who hangs up during the menu ends the run cleanly (thrown)")]
    [TestCase(true, TestName = "A caller who hangs up during the menu ends the run cleanly (reported)")]
    public async Task A_caller_who_hangs_up_during_the_menu_ends_the_run_cleanly(bool quietly)
    {
        var channel = Caller().Press("2");
        channel.HangUpWhenInputRunsOut = true;
        channel.HangUpQuietly = quietly;
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.CallerHungUp));
        Assert.That(result.Queue, Is.Null);
        Assert.That(result.Path[^1], Has.Property("Value").EqualTo("caller-hangup"));
        Assert.That(channel.HungUp, Is.False, "nobody to hang up on");
    }

    [Test]
    public async Task A_hang_up_reported_by_the_channel_ends_every_kind_of_wait_as_a_thrown_one_does()
    {
        // The server's channel reports a hang-up (CallerGone) instead of throwing; the run must end at the same place
        // with the same path, play nothing more, store nothing and act on nothing: for every number of keys pressed
        // before the caller went, through the menus, collect/info steps and the survey.
        var first = await _ivr.RunAsync(Script, Caller().Press("9"));
        foreach (var keys in new[] { "", "1", "2", "3", "4", "5", "6", "7", "8", "9", "12", "21", "31", "123", "1234", "9#", "0" })
        {
            var thrown = Caller().Press(keys);
            thrown.HangUpWhenInputRunsOut = true;
            var reported = Caller().Press(keys);
            reported.HangUpWhenInputRunsOut = reported.HangUpQuietly = true;

            var a = await _ivr.RunAsync(Script, thrown);
            var b = await _ivr.RunAsync(Script, reported);
            Assert.That(b.Outcome, Is.EqualTo(a.Outcome), $"keys '{keys}'");
            Assert.That(b.PathText, Is.EqualTo(a.PathText), $"keys '{keys}'");
            Assert.That(reported.PlayedNames, Is.EqualTo(thrown.PlayedNames), $"keys '{keys}'");
            Assert.That((reported.Records.Count, reported.TransferredTo, reported.HungUp), Is.EqualTo((thrown.Records.Count, thrown.TransferredTo, thrown.HungUp)), $"keys '{keys}'");

            var surveyThrown = Caller().Press(keys);
            surveyThrown.HangUpWhenInputRunsOut = true;
            var surveyReported = Caller().Press(keys);
            surveyReported.HangUpWhenInputRunsOut = surveyReported.HangUpQuietly = true;
            var sa = await _ivr.RunSurveyAsync(Script, surveyThrown, first.Queue!);
            var sb = await _ivr.RunSurveyAsync(Script, surveyReported, first.Queue!);
            Assert.That((sb.Outcome, sb.PathText, sb.SurveyScore), Is.EqualTo((sa.Outcome, sa.PathText, sa.SurveyScore)), $"survey, keys '{keys}'");
            Assert.That(surveyReported.Records, Has.Count.EqualTo(surveyThrown.Records.Count), $"survey, keys '{keys}'");
        }
    }

    [Test]
    public async Task A_caller_who_keeps_pressing_star_is_stopped_by_the_step_budget_and_sent_to_a_person()
    {
        // "1" opens the menu, "2" the partner menu, "*" goes back to the menu, whose "2" … for ever.
        var channel = Caller();
        channel.RepeatForever = null;
        var keys = "1" + string.Concat(Enumerable.Repeat("2*", 200));
        channel.Press(keys);
        var result = await _ivr.RunAsync(Script, channel);

        Assert.That(result.Outcome, Is.EqualTo(IvrOutcome.Queued));
        Assert.That(result.Queue!.Queue, Is.EqualTo("general"), "the script's fallback queue");
        Assert.That(result.Reason, Is.EqualTo("step budget exhausted"));
        Assert.That(result.StepsUsed, Is.EqualTo(Script.MaxSteps + 1));
    }
}
