namespace Telephony.ContactCenter.Tests.Routing;

/// <summary>The personal skill a call transferred to one agent needs: a valid store key, stable, one per agent.</summary>
public sealed class PersonalSkillTests
{
    [TestCase("1050", "agent-1050")]
    [TestCase("Zhang.Wei", "agent-zhang_wei")]
    public void A_short_agent_id_reads_as_itself(string agentId, string skill) =>
        Assert.That(SkillNames.Personal(agentId), Is.EqualTo(skill));

    [Test]
    public void A_long_agent_id_is_shortened_stably_and_stays_valid()
    {
        var a = SkillNames.Personal("department-of-housing-night-shift-agent-0001");
        var b = SkillNames.Personal("department-of-housing-night-shift-agent-0002");
        Assert.That(SkillNames.IsValid(a) && SkillNames.IsValid(b), Is.True, $"{a} {b}");
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(SkillNames.Personal("department-of-housing-night-shift-agent-0001"), Is.EqualTo(a));
    }
}
