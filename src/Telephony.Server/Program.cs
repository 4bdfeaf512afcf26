using Telephony.Server.Administration;
using Telephony.Server.Cases;
using Telephony.Server.Agents;
using Telephony.Server.Calls;
using Telephony.Server.Hosting;
using Telephony.Server.Http;
using Telephony.Server.Operations;
using Telephony.Server.Recordings;
using Telephony.Server.Security;
using Telephony.Server.Supervisors;

StartupFailure.Install();
bool check = StartupCheck.Requested(args);
var builder = WebApplication.CreateBuilder(StartupCheck.HostArguments(args));
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
builder.AddAnonymousRateLimit();
builder.AddTelephonySecurity();
builder.AddTelephonyCases();
builder.AddTelephonyAgents();
builder.AddSipEndpoint();
builder.AddTelephonyCalls();
builder.AddTelephonyRecordings();
builder.AddTelephonyOperations();
builder.AddTelephonySupervisors();
builder.AddTelephonyAdministration();

var app = builder.Build();
if (check)
{
    // The check's own items first: a data folder it cannot use is named there, rather than failing the opening of
    // the staff tables (users, seats) below. A passing check still refuses demo passwords outside Development.
    var result = StartupCheck.Run(app.Services, Console.Out);
    if (result != 0)
    {
        return result;
    }
    app.RefuseDemoCredentialsUnlessAllowed();
    return 0;
}
// A start with demo passwords outside Development is refused.
app.RefuseDemoCredentialsUnlessAllowed();
app.UseExceptionHandler();
app.UseStatusCodePages();
// The agent desktop (wwwroot: index.html, ES modules, the SignalR client restored from npm at build).
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseCurrentUsersOnly();
app.UseAuthorization();
app.UseRateLimiter();

app.MapTelephonyOperations();
app.MapTelephonySecurity();
app.MapTelephonyCases();
app.MapTelephonyAgents();
app.MapTelephonyCalls();
app.MapTelephonyRecordings();
app.MapTelephonySupervisors();
app.MapTelephonyAdministration();

app.Run();
return 0;

/// <summary>Entry point; public so integration tests can host the server in-process.</summary>
public partial class Program;
