using System.Text.Json.Serialization;
using System.Threading.Channels;
using Telephony.Server.Supervisors;

namespace Telephony.Server.Tests.Supervisors;

/// <summary>A test wall: a SignalR client of the supervisors' hub that records each floor and figures pushed, with when it arrived.</summary>
internal sealed class SupervisorWall : IAsyncDisposable
{
    private SupervisorWall(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public Channel<(FloorView Floor, DateTimeOffset At)> Floors { get; } = Channel.CreateUnbounded<(FloorView, DateTimeOffset)>();

    public Channel<FigureBoard> Figures { get; } = Channel.CreateUnbounded<FigureBoard>();

    /// <summary>The listening offers pushed to this connection (<see cref="ISupervisorClient.ListenOffer"/>).</summary>
    public Channel<Telephony.Calls.WebPhone.BrowserPhoneOffer> Offers { get; } = Channel.CreateUnbounded<Telephony.Calls.WebPhone.BrowserPhoneOffer>();

    /// <summary>The calls whose listening leg of this connection ended (<see cref="ISupervisorClient.ListenEnded"/>).</summary>
    public Channel<string> ListensEnded { get; } = Channel.CreateUnbounded<string>();

    /// <summary>
    /// Connects to <paramref name="server"/>'s supervisors' hub with <paramref name="token"/>: negotiated over HTTP (so a
    /// refusal is an HTTP status), or with <paramref name="webSockets"/> straight over a WebSocket as a browser ends up.
    /// </summary>
    public static async Task<SupervisorWall> ConnectAsync(TestServer server, string token, bool webSockets = false)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, SupervisorsSetup.HubPath), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = webSockets ? Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets : Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                if (webSockets)
                {
                    o.SkipNegotiation = true;
                    o.WebSocketFactory = async (context, ct) => await server.CreateWebSocketClient().ConnectAsync(
                        new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri, ct);
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var wall = new SupervisorWall(connection);
        connection.On<FloorView>(nameof(ISupervisorClient.Floor), f => wall.Floors.Writer.TryWrite((f, DateTimeOffset.UtcNow)));
        connection.On<FigureBoard>(nameof(ISupervisorClient.Figures), f => wall.Figures.Writer.TryWrite(f));
        connection.On<Telephony.Calls.WebPhone.BrowserPhoneOffer>(nameof(ISupervisorClient.ListenOffer), o => wall.Offers.Writer.TryWrite(o));
        connection.On<string>(nameof(ISupervisorClient.ListenEnded), c => wall.ListensEnded.Writer.TryWrite(c));
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return wall;
    }

    /// <summary>The first floor pushed from now on that satisfies <paramref name="match"/>, with when it arrived.</summary>
    public async Task<(FloorView Floor, DateTimeOffset At)> FloorAsync(Func<FloorView, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = await Floors.Reader.ReadAsync(cts.Token);
            if (match(next.Floor))
                return next;
        }
    }

    /// <summary>The first figures pushed that satisfy <paramref name="match"/>.</summary>
    public async Task<FigureBoard> FiguresAsync(Func<FigureBoard, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = await Figures.Reader.ReadAsync(cts.Token);
            if (match(next))
                return next;
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
