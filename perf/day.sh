#!/usr/bin/env bash
# A simulated 12345 day through the real server (issue 14 item 5; docs/benchmarks.md): Release build, a fresh
# server with its own data folder and an agents file in which every agent takes every lane (the planner staffs one
# pool), the load generator's `day` scenario (intraday curve, lanes, patience, the planner's staffing per half hour,
# compressed in time), server stopped, the report printed (and kept in DIR/report.md).
# With --callbacks, issue 13's scenario instead: callers queued, a share choosing a callback in the queue; the server's
# trunk points at the load generator's carrier side (127.0.0.1:42070), and every queue estimates a long handle time so
# each caller, from the first, hears the offer.
#
#   perf/day.sh [--no-build] [--out DIR] [--callbacks] [scenario options...]
#   perf/day.sh --scale 0.5 --slot-s 20 --peak-slot-s 120          # the run in docs/benchmarks.md
#   perf/day.sh --callbacks --callers 200 --share 0.3 --agents 60
#
# Ports: SIP 127.0.0.1:42060 (UDP), HTTP 42080, carrier 42070; RTP: server 46000-47999, load generator 45000-45999.
set -euo pipefail
cd "$(dirname "$0")/.."
. perf/lib.sh

BUILD=1
OUT=/tmp/telephony-day
SCENARIO=day
AGENT_ARGS=()
SERVER_ARGS=()
DAY_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --callbacks) SCENARIO=callbacks; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) DAY_ARGS+=("$1"); shift ;;
  esac
done

[ "$BUILD" = 1 ] && build_release

rm -rf "$OUT" && mkdir -p "$OUT/rec"
if [ "$SCENARIO" = callbacks ]; then
  AGENT_ARGS=(--queue-handle-s 9000)
  SERVER_ARGS=(--Trunks:OutboundUri="sip:{number}@127.0.0.1:42070")
  DAY_ARGS+=(--carrier 127.0.0.1:42070)
fi
dotnet "$LOADGEN" day-agents --from src/Telephony.Server/agents.json --to "$OUT/agents.json" "${AGENT_ARGS[@]}"
cp src/Telephony.Server/users.json "$OUT/users.json"

(cd "$SERVER_DIR" && exec dotnet Telephony.Server.dll --urls http://127.0.0.1:42080 \
   --Sip:Udp=127.0.0.1:42060 --Sip:Tcp= --Sip:AuthMaxFailures=200 \
   --Calls:RtpPortMin=46000 --Calls:RtpPortMax=47999 --Calls:WatchIvrScript=false \
   --ContactCenter:AgentsFile="$OUT/agents.json" --ContactCenter:WrapUpSeconds=600 \
   --Security:UsersFile="$OUT/users.json" \
   --DataFolder="$OUT" --Calls:RecordingsFolder="$OUT/rec" --Cases:ConnectionString="Data Source=$OUT/cases.db" \
   --Security:AllowDemoCredentials=true "${SERVER_ARGS[@]}") >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
wait_healthy $SERVER_PID http://127.0.0.1:42080 "$OUT/server.log"

echo "$SCENARIO: server pid $SERVER_PID, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
start_cpu=$(awk '{print $14+$15}' /proc/$SERVER_PID/stat)
status=0
dotnet "$LOADGEN" "$SCENARIO" --server 127.0.0.1:42060 --http http://127.0.0.1:42080 "${DAY_ARGS[@]}" | tee "$OUT/day.txt" || status=$?
end_cpu=$(awk '{print $14+$15}' /proc/$SERVER_PID/stat)
echo "server CPU during the run: $(( (end_cpu - start_cpu) / $(getconf CLK_TCK) )) s; load average after $(cut -d' ' -f1-3 /proc/loadavg)"
sed -n '/^\(Simulated day\|Callback in queue\)/,$p' "$OUT/day.txt" >"$OUT/report.md"
echo "server log: $(wc -l <"$OUT/server.log") lines; warnings/errors: $(grep -cE '^(warn|fail|crit)' "$OUT/server.log" || true)"
grep -E '^(warn|fail|crit)' -A1 "$OUT/server.log" | grep -v '^--' | sed 's/^ *//' | sort | uniq -c | sort -rn | head -8 || true
exit $status
