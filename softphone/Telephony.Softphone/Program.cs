// The agent's softphone: see Cli/CommandLine.cs for the command line, Core/AgentClient.cs for what it does.
using Telephony.Softphone.Cli;
using Telephony.Softphone.Core;

var options = CommandLine.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error is null ? CommandLine.Usage : $"softphone: {error}\n\n{CommandLine.Usage}");
    return error is null ? 0 : 2;
}

Console.WriteLine($"softphone: seat {options.Seat}, SIP {options.SipServer}, hub {(options.Http?.ToString() ?? "off")}");
Console.WriteLine(options.PlayFile is null && options.RecordFile is null
    ? "audio: no sound device support in this build (NAudio.Core has no Linux output); use --play FILE / --record FILE for audio"
    : $"audio: microphone {(options.PlayFile ?? "none (no RTP sent)")}, heard audio {(options.RecordFile ?? "not recorded")}");

AgentClient client;
try
{
    client = await AgentClient.StartAsync(options);
}
catch (AgentStartException e)
{
    Console.Error.WriteLine($"softphone: {e.Message}");
    return 1;
}

await using (client)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    var ui = new ConsoleUi(client, Console.Out);
    var printer = ui.PrintEventsAsync(stop.Token);
    Console.WriteLine($"registered as {client.Contact}; {(client.SeatInfo is { } s ? $"seat {s.Extension} {s.State}" : "no hub")}. Type 'help' for commands.");
    try
    {
        while (!stop.IsCancellationRequested)
        {
            var line = await Console.In.ReadLineAsync(stop.Token);
            if (line is null)
            {
                // stdin closed (started in the background, e.g. for a load run): keep serving until Ctrl+C
                await Task.Delay(Timeout.Infinite, stop.Token);
                break;
            }
            if (!await ui.ExecuteAsync(line, stop.Token))
            {
                break;
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
    await stop.CancelAsync();
    await printer;
}
Console.WriteLine("softphone: bye");
return 0;
