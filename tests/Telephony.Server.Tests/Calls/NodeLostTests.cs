using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Cases;
using Telephony.Testing.Calls;
using Telephony.Tests.Shared;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// A node that dies mid-call (SIGKILL: no shutdown code runs) leaves the call's record live; started again on
/// the same database and recordings folder, it ends the record as node-lost at the call's last known activity,
/// with its recording repaired and playable. The server runs as a separate process.
/// </summary>
[NonParallelizable]
public sealed class NodeLostTests
{
    private const double CallerHz = 500;
    private const double PartnerHz = 1400;

    [Test]
    [CancelAfter(300_000)]
    public async Task A_killed_node_ends_its_calls_as_node_lost_with_playable_recordings_when_it_starts_again()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-node-lost-").FullName;
        try
        {
            await using var phones = PhoneMedia.Start(16700, 16799);
            await using var partner = await TestPhone.StartAsync("sip:12348@127.0.0.1", PartnerHz, phones);
            partner.AutoAnswer();
            var settings = Settings(folder, partner.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port);
            var store = new SqlCaseStore(SqlDialect.Sqlite, $"Data Source={Path.Combine(folder, "cases.db")}", NullLogger<SqlCaseStore>.Instance);

            // First run: the IVR hands the citizen to the partner hotline; the call is connected and recorded.
            await using var first = await TelephonyServerProcess.StartAsync(settings);
            await using var citizen = await TestPhone.StartAsync("sip:citizen@127.0.0.1", CallerHz, phones);
            var call = await citizen.Ua.CallAsync($"sip:12345@127.0.0.1:{first.SipPort}", citizen.Offer());
            citizen.ApplyAnswer((await call.NextAsync<CallEstablished>(TimeSpan.FromSeconds(20))).RemoteSdp);
            var partnerCall = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            await partnerCall.NextAsync<CallEstablished>(TimeSpan.FromSeconds(10));
            var live = await store.WaitForRecordAsync(call.CallId, r => r.Live && r.AnsweredAt is not null && r.RecordingPath is not null,
                "a live record of the connected call", TimeSpan.FromSeconds(20));
            Assert.That((live.Outcome, live.EndedAt), Is.EqualTo(((string?)null, (DateTimeOffset?)null)), "no outcome while live");
            Assert.That(live.NodeId, Is.Not.Null.And.Not.Empty);

            // A record another node left live is not this node's to end.
            await store.SaveCallRecordAsync(new CallRecord { CallId = "elsewhere@other", OfferedAt = live.OfferedAt, NodeId = "other-node", Live = true });

            // Half-way between two of the recorder's header updates (once a second from the answer), so the
            // audio on disk runs past what the header says, as after any crash.
            var talk = live.AnsweredAt!.Value + TimeSpan.FromSeconds(4.5) - DateTimeOffset.UtcNow;
            await Task.Delay(talk > TimeSpan.Zero ? talk : TimeSpan.Zero);
            var killedAt = DateTimeOffset.UtcNow;
            await first.KillAsync();
            var talked = (killedAt - live.AnsweredAt.Value).TotalSeconds;
            var header = HeaderState(live.RecordingPath!);
            TestContext.Out.WriteLine(FormattableString.Invariant($"killed {talked:F2} s after the answer; WAV header before the restart: {header}"));
            Assert.That(header, Does.StartWith("stale"), "the killed writer left the header behind the audio");

            // Second run on the same database and recordings: the record ends as node-lost, the WAV plays.
            await using var second = await TelephonyServerProcess.StartAsync(settings);
            var lost = await store.WaitForRecordAsync(call.CallId, r => !r.Live, "the swept record", TimeSpan.FromSeconds(30));
            Assert.That((lost.Outcome, lost.NodeId, lost.RecordingPath), Is.EqualTo((CallOutcome.NodeLost.ToText(), live.NodeId, live.RecordingPath)), second.Output);
            Assert.That(lost.EndedAt!.Value, Is.EqualTo(killedAt).Within(TimeSpan.FromSeconds(0.5)), "ended at the last known activity: the end of its recording");
            var seconds = await Soxi.DurationSecondsAsync(lost.RecordingPath!);
            Assert.That(seconds, Is.EqualTo(talked).Within(0.5), "the repaired recording plays for as long as the call was connected");
            Assert.That((await store.GetCallRecordAsync("elsewhere@other"))!.Live, Is.True, "another node's live record is left alone");

            var kpis = await store.GetKpisAsync(live.OfferedAt.AddMinutes(-1), live.OfferedAt.AddMinutes(10));
            Assert.That((kpis.CallsLost, kpis.CallsAbandoned), Is.EqualTo((1L, 0L)), "lost with the node, not abandoned by the caller");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> Settings(string folder, int partnerPort)
    {
        var settings = TransferNodeSettings.Create(folder, partnerPort, 16600, 16699);
        settings["Calls:NodeHeartbeatSeconds"] = "1";
        return settings;
    }

    /// <summary>Whether the RIFF size covers the file (what a killed writer leaves stale).</summary>
    private static string HeaderState(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var riff = BitConverter.ToUInt32(bytes, 4);
        return riff == bytes.Length - 8 ? "sizes current" : FormattableString.Invariant($"stale (RIFF says {riff + 8} bytes, file has {bytes.Length})");
    }
}
