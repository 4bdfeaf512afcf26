using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Telephony.Calls.Commands;

namespace Telephony.Calls.Tests;

/// <summary>
/// A node asks the node that holds a call to carry out a command by sending it as JSON with its type named; a command
/// missing from <see cref="CallCommand"/>'s list of derived types would fail only when it crossed nodes.
/// </summary>
public sealed class CommandSerializationTests
{
    [Test]
    public void Every_command_type_is_named_for_the_router()
    {
        var named = typeof(CallCommand).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();
        var commands = typeof(CallCommand).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(CallCommand).IsAssignableFrom(t))
            .ToList();
        Assert.That(commands, Is.Not.Empty);
        Assert.That(commands.Where(t => !named.Contains(t)).Select(t => t.Name), Is.Empty,
            "add each to the [JsonDerivedType] list on CallCommand");
    }

    [Test]
    public void A_command_survives_the_trip_with_its_type()
    {
        CallCommand sent = new HangUp("1049");
        var json = JsonSerializer.Serialize(sent);
        Assert.That(json, Does.Contain("\"$type\":\"HangUp\""));
        Assert.That(JsonSerializer.Deserialize<CallCommand>(json), Is.EqualTo(sent));
    }
}
