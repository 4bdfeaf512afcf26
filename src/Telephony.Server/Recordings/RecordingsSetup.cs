using Telephony.Calls;
using Telephony.Calls.Tracing;
using Telephony.Cases.Storage;
using Telephony.Sip.Transport;

namespace Telephony.Server.Recordings;

/// <summary>Recordings for supervisors (search, playback, download, audit, retention) and calls' own traces.</summary>
public static class RecordingsSetup
{
    /// <summary>Registers the traces (the SIP host's tap, the call manager's sampler), the recording files and the daily sweep. After <c>AddTelephonyCases</c>.</summary>
    public static WebApplicationBuilder AddTelephonyRecordings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<IRecordingStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        services.AddSingleton<ICallTraceStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        services.AddSingleton(sp => new CallTraces(sp.GetRequiredService<CallManagerOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CallTraces>>(), sp.GetRequiredService<ICallTraceStore>()));
        services.AddSingleton<ISipMessageTap>(sp => sp.GetRequiredService<CallTraces>());
        services.AddSingleton<RecordingFiles>();
        services.AddSingleton<RetentionSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweep>());
        return builder;
    }

    /// <summary>Maps <c>/api/recordings</c> and <c>/api/calls/{callId}/trace</c>.</summary>
    public static WebApplication MapTelephonyRecordings(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RecordingEndpoints.Map(app);
        TraceEndpoints.Map(app);
        return app;
    }
}
