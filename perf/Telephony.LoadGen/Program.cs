// Telephony load generator: one subcommand per kind of load.
//   media  — bridged RTP relay capacity (loss and added jitter), see Media/MediaLoadTest.cs
//   setups — call setups per second through the B2BUA with the IVR answering, see Setups/SetupLoadTest.cs
//   day    — a simulated 12345 day (intraday curve, lanes, patience, the planner's staffing), see Day/DayScenario.cs
//   callbacks — callers queued, a share choosing a callback in the queue, see Callbacks/CallbackScenario.cs
using Telephony.LoadGen.Media;

var commands = new Dictionary<string, (string Help, Func<string[], Task<int>> Run)>(StringComparer.Ordinal)
{
    ["media"] = (MediaLoadTest.Help, MediaLoadTest.RunAsync),
    ["media-relay"] = (MediaRelayProcess.Help, MediaRelayProcess.RunAsync),
    ["calls"] = (Telephony.LoadGen.Calls.CallLoadTest.Help, Telephony.LoadGen.Calls.CallLoadTest.RunAsync),
    ["setups"] = (Telephony.LoadGen.Setups.SetupLoadTest.Help, Telephony.LoadGen.Setups.SetupLoadTest.RunAsync),
    ["day"] = (Telephony.LoadGen.Day.DayScenario.Help, Telephony.LoadGen.Day.DayScenario.RunAsync),
    ["callbacks"] = (Telephony.LoadGen.Callbacks.CallbackScenario.Help, Telephony.LoadGen.Callbacks.CallbackScenario.RunAsync),
    ["day-agents"] = (Telephony.LoadGen.Day.AllRoundAgents.Help, Telephony.LoadGen.Day.AllRoundAgents.RunAsync),
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: Telephony.LoadGen <command> [options]");
    foreach (var (name, (help, _)) in commands)
    {
        Console.Error.WriteLine($"  {name,-8} {help}");
    }

    return args.Length == 0 ? 1 : 2;
}

try
{
    return await command.Run(args[1..]);
}
catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 2;
}
