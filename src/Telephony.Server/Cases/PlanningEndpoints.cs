using System.Globalization;
using Telephony.Cases;
using Telephony.Cases.Planning;
using Telephony.ContactCenter.Routing;
using Telephony.Server.Security;

namespace Telephony.Server.Cases;

/// <summary>
/// The Erlang planner (issue 14; policy <see cref="Roles.Supervisor"/>: supervisors and admins):
/// <c>GET /api/planning/staffing?from&amp;to&amp;utcOffset&amp;serviceLevel&amp;answerWithin&amp;maxAbandon&amp;shrinkage&amp;format</c>
/// reads the call records queued in [from, to) (default: the last 4 weeks), and answers, per half hour of the
/// week in local time (default +08:00), the arrivals, handle time, agents needed by Erlang C and Erlang A,
/// agents to schedule with shrinkage and the predicted service level, next to the agents logged in now.
/// Defaults: 90 % within 15 s, abandons ≤ 3 %, 30 % shrinkage. <c>format=csv</c> answers CSV.
/// </summary>
public static class PlanningEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/planning/staffing", async (HttpRequest request, ICallDemandStore demand, AutomaticCallDistributor acd, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var to = CaseHttp.ParseTime(request.Query["to"], "to") ?? now;
            var from = CaseHttp.ParseTime(request.Query["from"], "from") ?? to.AddDays(-28);
            if (to <= from || to - from > TimeSpan.FromDays(366))
                return Problems.Invalid("to", "must be after from, at most a year later");
            if (!TryOffset(request.Query["utcOffset"], out var offset))
                return Problems.Invalid("utcOffset", "must be like +08:00, between -14:00 and +14:00");
            StaffingTarget target;
            try
            {
                target = new StaffingTarget
                {
                    ServiceLevel = Number(request, "serviceLevel", 0.90),
                    AnswerWithin = TimeSpan.FromSeconds(Number(request, "answerWithin", 15)),
                    MaxAbandon = Number(request, "maxAbandon", 0.03),
                    Shrinkage = Number(request, "shrinkage", 0.30),
                };
                target.Validate();
            }
            catch (ArgumentException e)
            {
                return Problems.Invalid(e.ParamName is { Length: > 0 } p ? char.ToLowerInvariant(p[0]) + p[1..] : "query", e.Message);
            }
            var seats = await acd.Store.GetSeatsAsync(ct).ConfigureAwait(false);
            var loggedIn = seats.Count(s => s.State != Telephony.ContactCenter.Seats.SeatState.LoggedOut);
            var plan = await new StaffingPlanner(demand).PlanAsync(from, to, offset, target, now, loggedIn, ct).ConfigureAwait(false);
            return string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
                ? Results.Text(plan.ToCsv(), "text/csv; charset=utf-8")
                : Results.Ok(plan);
        }).RequireAuthorization(Roles.Supervisor).AddEndpointFilter<CaseExceptionFilter>();
    }

    private static double Number(HttpRequest request, string name, double fallback)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException("must be a number", name);
    }

    private static bool TryOffset(string? text, out TimeSpan offset)
    {
        offset = TimeSpan.FromHours(8);
        if (string.IsNullOrWhiteSpace(text))
            return true;
        var t = text.Trim();
        var sign = t[0] == '-' ? -1 : 1;
        if (t[0] is '+' or '-')
            t = t[1..];
        if (!TimeSpan.TryParseExact(t, @"hh\:mm", CultureInfo.InvariantCulture, out var parsed) || parsed > TimeSpan.FromHours(14))
            return false;
        offset = sign * parsed;
        return true;
    }
}
