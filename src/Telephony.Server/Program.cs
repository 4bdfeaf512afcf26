using Telephony.Server.Cases;
using Telephony.Server.Agents;
using Telephony.Server.Calls;
using Telephony.Server.Http;
using Telephony.Server.Security;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
builder.AddAnonymousRateLimit();
builder.AddTelephonySecurity();
builder.AddTelephonyCases();
builder.AddTelephonyAgents();
builder.AddSipEndpoint();
builder.AddTelephonyCalls();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
// The agent desktop (wwwroot: index.html, ES modules, the SignalR client restored from npm at build).
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.MapTelephonySecurity();
app.MapTelephonyCases();
app.MapTelephonyAgents();
app.MapTelephonyCalls();

app.Run();

/// <summary>Entry point; public so integration tests can host the server in-process.</summary>
public partial class Program;
