namespace Telephony.Ivr.Tests;

/// <summary>Broken scripts and data files: every error names file:line:col exactly.</summary>
public class LoaderErrorTests
{
    private ScriptWorkspace _ws = null!;

    [SetUp]
    public void SetUp() => _ws = new ScriptWorkspace();

    [TearDown]
    public void TearDown() => _ws.Dispose();

    private const string Header = """
        languages: [zh, en]
        entries:
          default: main
        nodes:

        """;

    private IReadOnlyList<IvrError> Errors(string yaml)
    {
        var result = _ws.Load(yaml);
        Assert.That(result.Script, Is.Null, "a broken script must not load");
        Assert.That(result.Errors, Is.Not.Empty);
        return result.Errors;
    }

    private void AssertErrorAt(IReadOnlyList<IvrError> errors, int line, int column, string messagePart, string? fileEndsWith = null)
    {
        var file = fileEndsWith is null ? _ws.ScriptPath : null;
        var match = errors.FirstOrDefault(e => e.Location.Line == line && e.Location.Column == column
            && e.Message.Contains(messagePart, StringComparison.Ordinal)
            && (file is null ? e.Location.File.EndsWith(fileEndsWith!, StringComparison.Ordinal) : e.Location.File == file));
        Assert.That(match, Is.Not.Null, $"expected an error at {line}:{column} containing '{messagePart}', got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        Assert.That(match!.ToString(), Does.StartWith($"{match.Location.File}:{line}:{column}: error: "));
    }

    [Test]
    public void A_valid_minimal_script_loads()
    {
        var result = _ws.Load(Header + """
              main:
                - play: hello
                - hangup: bye
            """);
        Assert.That(result.Errors, Is.Empty, string.Join(Environment.NewLine, result.Errors));
        Assert.That(result.Script!.Nodes["main"].Steps, Has.Count.EqualTo(2));
    }

    /// <summary>Scripts (nodes below <see cref="Header"/>) with one mistake each, and where the loader must report it.</summary>
    private static IEnumerable<TestCaseData> OneMistake()
    {
        yield return Mistake("Unknown_step_type", 6, 7, "unknown step type 'pley'", """
          main:
            - pley: hello
            - hangup: bye
        """);
        yield return Mistake("Step_with_two_types", 7, 7, "both 'play' and 'goto'", """
          main:
            - play: hello
              goto: main
        """);
        yield return Mistake("Missing_required_field", 6, 7, "missing 'options' in a 'menu' step", """
          main:
            - menu: menu
              timeout: 3s
            - hangup: bye
        """);
        yield return Mistake("Misspelt_option_is_reported_at_the_key", 8, 7, "unknown key 'timout'", """
          main:
            - menu: menu
              options: { "1": main }
              timout: 3s
        """);
        yield return Mistake("Prompt_names_cannot_climb_out_of_the_prompt_directory", 6, 13, "not a valid prompt name", """
          main:
            - play: ../script
        """);
        yield return Mistake("Reference_to_an_undefined_node", 6, 13, "unknown node 'nowhere' (defined: main)", """
          main:
            - goto: nowhere
        """);
        yield return Mistake("A_misspelt_node_name_gets_a_suggestion", 6, 13, "unknown node 'greting' (did you mean 'greeting'?)", """
          main:
            - goto: greting
          greeting:
            - hangup: bye
        """);
        yield return Mistake("A_transfer_whose_failure_leads_back_to_itself_is_a_loop", 6, 7, "loop without caller input: main -> main", """
          main:
            - transfer: "12348"
              on-fail: main
        """);
        yield return Mistake("A_misspelt_other_option_is_not_taken_for_any_other_key", 9, 9, "menu option 'others' must be one key: 0-9, * or # (quote * and #), or 'other'", """
          main:
            - menu: menu
              options:
                "1": main
                others: main
        """);
        yield return Mistake("A_menu_that_takes_any_other_key_has_no_invalid_keys", 10, 7, "'on-invalid' has no use in a menu with 'other'", """
          main:
            - menu: menu
              options:
                "1": main
                other: main
              on-invalid: main
        """);
        yield return Mistake("A_queue_survey_must_name_a_node_with_a_survey_step", 6, 7, "survey node 'main' has no 'survey' step", """
          main:
            - queue: general
              post-call: main
        """);
    }

    private static TestCaseData Mistake(string name, int line, int column, string message, string nodes) =>
        new TestCaseData(nodes, line, column, message).SetName(name);

    [TestCaseSource(nameof(OneMistake))]
    public void A_mistake_is_reported_at_its_line_and_column(string nodes, int line, int column, string message) =>
        AssertErrorAt(Errors(Header + nodes), line, column, message);

    [Test]
    public void Unknown_prompt_file_in_each_language()
    {
        var errors = Errors(Header + """
              main:
                - play: [hello, nothere]
            """);
        AssertErrorAt(errors, 6, 21, "prompt 'nothere' (zh): unknown prompt file");
        AssertErrorAt(errors, 6, 21, "prompt 'nothere' (en): unknown prompt file");
    }

    [Test]
    public void Prompt_in_the_wrong_audio_format()
    {
        ScriptWorkspace.WriteWav(Path.Combine(_ws.Directory, "prompts", "en", "stereo.wav"), 44100, 2, 16);
        ScriptWorkspace.WriteWav(Path.Combine(_ws.Directory, "prompts", "zh", "stereo.wav"), 8000, 1, 16);
        var errors = Errors(Header + """
              main:
                - play: stereo
            """);
        AssertErrorAt(errors, 6, 13, "44100 Hz, 2 channel(s)");
        Assert.That(errors, Has.Count.EqualTo(1), "the zh file is fine");
    }

    [Test]
    public void Undefined_entry_node_and_missing_default()
    {
        var errors = Errors("""
            languages: [zh]
            entries:
              "12345": lobby
              "12a": main
            nodes:
              main:
                - hangup:
            """);
        AssertErrorAt(errors, 3, 12, "unknown node 'lobby'");
        AssertErrorAt(errors, 4, 3, "must be a dialed number");
        AssertErrorAt(errors, 3, 3, "needs a 'default'");
    }

    [Test]
    public void Bad_digit_patterns_in_menu_options_and_terminators()
    {
        var errors = Errors(Header + """
              main:
                - menu: menu
                  options:
                    "12": main
                    a: main
                    "#": main
                - collect: menu
                  into: account
                  terminator: "x"
            """);
        AssertErrorAt(errors, 8, 9, "menu option '12' must be one key");
        AssertErrorAt(errors, 9, 9, "menu option 'a' must be one key");
        AssertErrorAt(errors, 13, 19, "'terminator' must be \"#\" or \"*\"");
        Assert.That(errors, Has.Count.EqualTo(3), "'#' is a valid key");
    }

    [Test]
    public void A_bare_hash_terminator_is_a_comment_and_is_explained()
    {
        var errors = Errors(Header + """
              main:
                - collect: menu
                  into: account
                  terminator: #
            """);
        Assert.That(errors.Single().Message, Does.Contain("a bare # starts a YAML comment"));
        Assert.That(errors.Single().Location.Line, Is.EqualTo(8));
    }

    [Test]
    public void Bad_schedule_syntax_points_at_the_token()
    {
        var errors = Errors("""
            languages: [zh, en]
            schedules:
              office: { days: "mon-fir", hours: "25:00-26:00" }
              late: { days: [mon, funday], hours: [18:00-17:00] }
              empty: { except: nowhere }
            entries:
              default: main
            nodes:
              main:
                - when: office
                  then: main
                - when: closed
                  then: main
            """);
        AssertErrorAt(errors, 3, 24, "unknown day 'fir'");
        AssertErrorAt(errors, 3, 38, "hours '25:00-26:00' must be a range");
        AssertErrorAt(errors, 4, 23, "unknown day 'funday'");
        AssertErrorAt(errors, 4, 40, "end before they start");
        AssertErrorAt(errors, 5, 10, "needs at least one of 'days', 'hours' or 'dates'");
        AssertErrorAt(errors, 5, 20, "unknown holidays calendar 'nowhere'");
        AssertErrorAt(errors, 12, 13, "unknown schedule 'closed'");
    }

    [Test]
    public void Bad_numbers_and_durations()
    {
        var errors = Errors(Header + """
              main:
                - menu: menu
                  options: { "1": main }
                  timeout: 5 minutes
                  retries: 99
                - set: { language: fr, priority: high }
                - transfer: "12-348"
            """);
        AssertErrorAt(errors, 8, 16, "'timeout' must be a duration");
        AssertErrorAt(errors, 9, 16, "'retries' must be a whole number from 0 to 5");
        AssertErrorAt(errors, 10, 24, "language 'fr' is not one of the script's languages");
        AssertErrorAt(errors, 10, 38, "'priority' must be a whole number");
        AssertErrorAt(errors, 11, 17, "transfer number '12-348'");
    }

    [Test]
    public void Yaml_syntax_error_has_a_position()
    {
        var errors = Errors("""
            languages: [zh, en]
            entries:
              default: main
            nodes:
              main:
                - play: "hello
                - hangup: bye
            """);
        var e = errors.Single();
        Assert.That(e.Message, Does.StartWith("YAML syntax: "));
        Assert.That(e.Location.File, Is.EqualTo(_ws.ScriptPath));
        Assert.That(e.Location.Line, Is.InRange(6, 8));
        Assert.That(e.Location.Column, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void Yaml_syntax_error_at_a_bad_indentation()
    {
        var errors = Errors("""
            languages: [zh, en]
            entries:
              default: main
             nodes: {}
            """);
        var e = errors.Single();
        Assert.That(e.Message, Does.StartWith("YAML syntax: "));
        Assert.That((e.Location.Line, e.Location.Column), Is.EqualTo((4, 2)), e.ToString());
    }

    [Test]
    public void Duplicate_keys_are_a_syntax_error()
    {
        var errors = Errors(Header + """
              main:
                - hangup: bye
              main:
                - hangup: bye
            """);
        Assert.That(errors.Single().Location.Line, Is.EqualTo(7));
    }

    [Test]
    public void An_empty_file_and_a_non_mapping_are_reported()
    {
        AssertErrorAt(Errors(""), 1, 1, "the script is empty");
        AssertErrorAt(Errors("- just\n- a list\n"), 1, 1, "must be a mapping");
    }

    [Test]
    public void A_loop_without_input_is_rejected_at_the_step_that_closes_it()
    {
        var errors = Errors(Header + """
              main:
                - play: hello
                - goto: again
              again:
                - menu: menu
                  options:
                    "1": main
                  on-timeout: main
            """);
        AssertErrorAt(errors, 7, 7, "loop without caller input: again -> main -> again");
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_schedule_branch_loop_is_rejected_too()
    {
        var errors = Errors("""
            languages: [zh, en]
            schedules:
              day: { hours: "08:00-20:00" }
            entries:
              default: a
            nodes:
              a:
                - when: day
                  then: b
                - hangup: bye
              b:
                - play: hello
                - goto: a
            """);
        AssertErrorAt(errors, 13, 7, "loop without caller input: a -> b -> a");
    }

    [Test]
    public void A_loop_that_needs_a_key_press_to_go_round_is_allowed()
    {
        var result = _ws.Load(Header + """
              main:
                - menu: menu
                  options:
                    "1": main
                - hangup: bye
            """);
        Assert.That(result.Errors, Is.Empty, string.Join(Environment.NewLine, result.Errors));
    }

    [Test]
    public void Broken_caller_list_is_reported_at_the_data_files_line_and_column()
    {
        _ws.File("data/drivers.txt", "# drivers\n13900000001 ok\n  abc  note\n+86-139-0000-0002\n");
        var errors = Errors("""
            languages: [zh, en]
            data:
              drivers: { type: callers, file: data/drivers.txt }
            entries:
              default: main
            nodes:
              main:
                - lookup: drivers
                  then: vip
                - hangup: bye
              vip:
                - hangup: bye
            """);
        AssertErrorAt(errors, 3, 3, "'abc' is not a phone number", fileEndsWith: Path.Combine("data", "drivers.txt"));
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void Broken_holiday_calendar_and_info_table()
    {
        _ws.File("data/holidays.txt", "2026-10-01..2026-13-07 National Day\n2026-02-30\n");
        _ws.File("data/info.txt", "1  info/a\n2  info/zzz\nX!  info/a\n1  info/b\n");
        var errors = Errors("""
            languages: [zh, en]
            data:
              holidays: { type: holidays, file: data/holidays.txt }
              info: { type: info, file: data/info.txt }
              gone: { type: callers, file: data/missing.txt }
              odd: { type: weather, file: data/info.txt }
            entries:
              default: main
            nodes:
              main:
                - info: info
                  prompt: hello
                - hangup: bye
            """);
        AssertErrorAt(errors, 1, 13, "'2026-13-07' is not a date", fileEndsWith: "holidays.txt");
        AssertErrorAt(errors, 2, 1, "'2026-02-30' is not a date", fileEndsWith: "holidays.txt");
        AssertErrorAt(errors, 2, 4, "prompt 'info/zzz' (zh)", fileEndsWith: "info.txt");
        AssertErrorAt(errors, 3, 1, "info key 'X!'", fileEndsWith: "info.txt");
        AssertErrorAt(errors, 4, 1, "info key '1' appears twice", fileEndsWith: "info.txt");
        AssertErrorAt(errors, 5, 32, "data/missing.txt' not found");
        AssertErrorAt(errors, 6, 16, "unknown data type 'weather'");
    }

    [Test]
    public void References_to_undefined_data()
    {
        var errors = Errors(Header + """
              main:
                - lookup: drivers
                  then: main
                - info: buses
                  entry: today
                - hangup: bye
            """);
        AssertErrorAt(errors, 6, 15, "unknown caller list 'drivers' (none defined)");
        AssertErrorAt(errors, 8, 13, "unknown info table 'buses'");
    }

    [Test]
    public void An_oversized_file_is_refused_without_reading_it()
    {
        File.WriteAllText(_ws.ScriptPath, "# " + new string('x', (int)IvrScriptLoader.MaxFileBytes));
        var result = IvrScriptLoader.LoadFile(_ws.ScriptPath);
        Assert.That(result.Errors.Single().Message, Does.Contain("the limit is"));
    }

    [Test]
    public void A_missing_script_file_is_an_error_not_an_exception()
    {
        var result = IvrScriptLoader.LoadFile(Path.Combine(_ws.Directory, "nope.yaml"));
        Assert.That(result.Errors.Single().Message, Does.Contain("not found"));
    }

    [Test]
    public void All_errors_of_a_file_are_reported_at_once()
    {
        var errors = Errors(Header + """
              main:
                - pley: hello
                - play: nothere
                - goto: nowhere
                - menu: menu
                  options: { "x": main }
            """);
        Assert.That(errors.Select(e => e.Location.Line).Distinct(), Is.EquivalentTo(new[] { 6, 7, 8, 10 }));
    }
}

/// <summary>Hostile YAML must give an error, never a crash.</summary>
public class HostileYamlTests
{
    [Test]
    [CancelAfter(20_000)]
    public void Deep_nesting_is_refused_before_the_recursive_loader_sees_it()
    {
        var text = "nodes: " + new string('[', 200_000) + new string(']', 200_000);
        var result = IvrScriptLoader.LoadText(text, "deep.yaml");
        Assert.That(result.Errors.Single().ToString(), Does.StartWith("deep.yaml:1:").And.Contain("nesting deeper than"));
    }

    [Test]
    public void Binary_garbage_is_a_syntax_error()
    {
        var result = IvrScriptLoader.LoadText("\u0001\u0002: [\u0000 {", "junk.yaml");
        Assert.That(result.Script, Is.Null);
        Assert.That(result.Errors.Single().Location.File, Is.EqualTo("junk.yaml"));
    }

    [Test]
    public void Many_aliases_of_one_step_stay_cheap()
    {
        var steps = string.Join(", ", Enumerable.Repeat("*s", 50_000));
        var text = $"languages: [zh]\nprompts: .\nentries: {{ default: main }}\nnodes:\n  x: [ &s {{ goto: main }} ]\n  main: [ {steps} ]\n";
        var result = IvrScriptLoader.LoadText(text, Path.Combine(Path.GetTempPath(), "alias.yaml"));
        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains("loop without caller input"));
    }
}
