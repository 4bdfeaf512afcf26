using System.Text.Json.Serialization;
using System.Threading.Channels;

namespace Telephony.Server.Tests.Agents;

/// <summary>A test agent desktop: a SignalR client over the test server that records what it receives.</summary>
internal sealed class AgentDesk : IAsyncDisposable
{
    private AgentDesk(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    /// <summary>The connection's WebSocket, to drop it as a network failure or a crashed desktop would.</summary>
    private System.Net.WebSockets.WebSocket? Socket { get; set; }

    /// <summary>The desktop vanishes without closing (the WebSocket is aborted, as when its PC loses the network or crashes).</summary>
    public void Drop() => Socket?.Abort();
    public Channel<SeatStateChanged> States { get; } = Channel.CreateUnbounded<SeatStateChanged>();
    public Channel<ScreenPop> Pops { get; } = Channel.CreateUnbounded<ScreenPop>();
    public Channel<DesktopEvent> CallEvents { get; } = Channel.CreateUnbounded<DesktopEvent>();

    public static async Task<string> TokenAsync(WebApplicationFactory<Program> factory, string user, string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = user, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Connects over WebSockets with the token in the <c>access_token</c> query parameter, as a browser does.</summary>
    public static async Task<AgentDesk> ConnectAsync(WebApplicationFactory<Program> factory, string? token)
    {
        var server = factory.Server;
        System.Net.WebSockets.WebSocket? socket = null;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AgentsSetup.HubPath), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, ct) =>
                {
                    var uri = token is null ? context.Uri : new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
                    return socket = await server.CreateWebSocketClient().ConnectAsync(uri, ct);
                };
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var desk = await StartAsync(connection);
        desk.Socket = socket;
        return desk;
    }

    /// <summary>
    /// A desk on a server running as its own process (<see cref="TelephonyServerProcess"/>): its token from
    /// <c>/api/auth/token</c> as <c>agent&lt;id&gt;</c> with the demo password, then the hub over a real WebSocket.
    /// </summary>
    public static async Task<AgentDesk> LoginAsync(Uri http, string agent)
    {
        using var client = new HttpClient { BaseAddress = http };
        using var response = await client.PostAsJsonAsync(new Uri("api/auth/token", UriKind.Relative), new { username = "agent" + agent, password = "demo-agent-" + agent });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(http, AgentsSetup.HubPath.TrimStart('/') + "?access_token=" + Uri.EscapeDataString(token)), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        return await StartAsync(connection);
    }

    /// <summary>Records what the hub pushes, then starts the connection.</summary>
    private static async Task<AgentDesk> StartAsync(HubConnection connection)
    {
        var desk = new AgentDesk(connection);
        connection.On<SeatStateChanged>(nameof(IAgentClient.StateChanged), s => desk.States.Writer.TryWrite(s));
        connection.On<ScreenPop>(nameof(IAgentClient.ScreenPop), p => desk.Pops.Writer.TryWrite(p));
        connection.On<CallOffered>(nameof(IAgentClient.CallOffered), e => desk.CallEvents.Writer.TryWrite(e));
        connection.On<CallAnswered>(nameof(IAgentClient.CallAnswered), e => desk.CallEvents.Writer.TryWrite(e));
        connection.On<CallLeftSeat>(nameof(IAgentClient.CallEnded), e => desk.CallEvents.Writer.TryWrite(e));
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return desk;
    }

    public static async Task<AgentDesk> LoginAsync(WebApplicationFactory<Program> factory, string agent) =>
        await ConnectAsync(factory, await TokenAsync(factory, "agent" + agent, "demo-agent-" + agent));

    public static T Service<T>(WebApplicationFactory<Program> factory) where T : notnull => factory.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
