using Telephony.Server.Agents;

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
    public void The_shipped_file_has_an_agent_for_every_agent_user_and_five_queues()
    {
        var file = AgentsFile.Load(Path.Combine(AppContext.BaseDirectory, "agents.json"));
        Assert.That(file.Agents.Select(a => a.Id), Is.EqualTo(Enumerable.Range(1001, 60).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(file.Queues.Select(q => q.Name), Is.EquivalentTo(new[] { "zh-general", "zh-taxi", "zh-deputy", "zh-partner", "en-general" }));
        foreach (var queue in file.Queues)
            Assert.That(file.Agents.Any(a => queue.RequiredSkills.All(a.Skills.Contains)), Is.True, $"someone can take {queue.Name}");
    }

    [TestCase("{not json", "agents file")]
    [TestCase("""{"queues": [], "agents": []}""", "no queues")]
    [TestCase("""{"queues": [{"name": "q"}], "agents": []}""", "queue #1 needs a 'name' and 'skills'")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"], "averageHandleSeconds": 0}]}""", "averageHandleSeconds")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"id": "a", "skills": ["zh,en"]}]}""", "invalid skill")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"id": "a"}, {"id": "a"}]}""", "configured twice")]
    [TestCase("""{"queues": [{"name": "q", "skills": ["zh"]}], "agents": [{"name": "x"}]}""", "agent #1 needs an 'id'")]
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
