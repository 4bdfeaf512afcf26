var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSipEndpoint(builder.Configuration);
var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.Run();

/// <summary>Entry point; public so integration tests can host the server in-process.</summary>
public partial class Program;
