using Telephony.ContactCenter.Queues;

namespace Telephony.Server.Tests.Agents;

public sealed class AgentsFileTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "agents-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "agents.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public void The_shipped_file_has_an_agent_for_every_agent_user_and_the_ivr_scripts_queues()
    {
        var file = AgentsFile.Load(Path.Combine(AppContext.BaseDirectory, "agents.json"));
        Assert.That(file.Agents.Select(a => a.Id), Is.EqualTo(Enumerable.Range(1001, 60).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var script = File.ReadAllText(Path.Combine(RepoRoot(), "ivr-scripts", "12345.yaml"));
        var scriptQueues = System.Text.RegularExpressions.Regex.Matches(script, @"^\s*- queue: ([a-z-]+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(scriptQueues, Is.Not.Empty);
        Assert.That(file.Queues.Select(q => q.Name), Is.SupersetOf(scriptQueues), "every queue the 12345 script names exists");
        var scriptSkills = System.Text.RegularExpressions.Regex.Matches(script, @"skills: \[([a-z, -]+)\]")
            .SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)).Append("zh").Append("en").Distinct().ToList();
        foreach (var skill in scriptSkills)
            Assert.That(file.Agents.Any(a => a.Skills.Contains(skill)), Is.True, $"some agent has the skill '{skill}' the script asks for");
        foreach (var queue in file.Queues)
            Assert.That(file.Agents.Any(a => queue.RequiredSkills.All(a.Skills.Contains)), Is.True, $"someone can take {queue.Name}");
    }

    [Test]
    public void The_shipped_queues_never_strand_a_caller()
    {
        var file = AgentsFile.Load(Path.Combine(AppContext.BaseDirectory, "agents.json"));
        foreach (var queue in file.Queues)
        {
            Assert.That(queue.Policy?.MaxWait, Is.Not.Null, $"{queue.Name} has a maximum wait");
            Assert.That(queue.Policy!.MaxSize, Is.Not.Null, $"{queue.Name} has a size limit");
        }
        var general = file.Queues.Single(q => q.Name == "general").Policy!;
        Assert.That(general.Overflows.Single(), Has.Property(nameof(QueueOverflow.After)).EqualTo(TimeSpan.FromSeconds(60))
            .And.Property(nameof(QueueOverflow.Queue)).Null);
        Assert.That(general.Overflows.Single().Relax, Does.Contain("taiwan"), "Taiwan callers reach a general agent after 60 s");
        Assert.That(file.Queues.Single(q => q.Name == "deputies").Policy!.Overflows.Single().Queue, Is.EqualTo("general"));
        Assert.That(file.Queues.Single(q => q.Name == "english").Policy!.EndAction, Is.EqualTo(QueueEndAction.CallbackOffer));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telephony.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Telephony.sln not found above the test binaries");
    }

    [TestCase("{not json", "agents file")]
    [TestCase("""{"queues": [], "agents": []}""", "no queues")]
    [TestCase("""{"queues": [{"name": "a+b", "skills": ["zh"]}]}""", "'+'")]
    [TestCase("""{"queues": [{"name": "q"}], "agents": []}""", "queue #1 needs a 'name' and 'skills'")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "averageHandleSeconds": 0}]}""", "averageHandleSeconds")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"id": "a", "skills": ["zh,en"]}]}""", "invalid skill")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"id": "a"}, {"id": "a"}]}""", "configured twice")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"name": "x"}]}""", "agent #1 needs an 'id'")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "maxWaitSeconds": 0}]}""", "'maxWaitSeconds' must be")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "maxSize": -1}]}""", "'maxSize' must be")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "endAction": "voicemail"}]}""", "'endAction' must be")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "overflow": [{"afterSeconds": 60, "queue": "nowhere"}]}]}""", "overflow target 'nowhere'")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "overflow": [{"afterSeconds": 60}]}]}""", "needs a 'queue', a 'relax'")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "maxWaitSeconds": 60, "overflow": [{"afterSeconds": 90, "relax": ["x"]}]}]}""", "after the maximum wait")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "overflow": [{"afterSeconds": 90, "relax": ["x"]}, {"afterSeconds": 30, "relax": ["y"]}]}]}""", "increasing")]
    public void A_broken_file_stops_the_server_with_a_message_naming_the_problem(string json, string expected)
    {
        var path = Write(json);
        var error = Assert.Throws<InvalidOperationException>(() => AgentsFile.Load(path));
        Assert.That(error!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void A_missing_file_names_the_path()
    {
        var path = Path.Combine(_dir, "nope.json");
        Assert.That(() => AgentsFile.Load(path), Throws.InvalidOperationException.With.Message.Contains(path));
    }
}
