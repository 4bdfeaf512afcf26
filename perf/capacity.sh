#!/usr/bin/env bash
# Call setups per second through the B2BUA with the IVR answering (issue 10; docs/benchmarks.md).
# One command: Release build, a fresh server on loopback with enough RTP ports for the hold,
# the load generator at each rate in turn, server stopped, summary lines printed.
#
#   perf/capacity.sh [--rates "200 400 600 800 1000 1200"] [--seconds 60] [--hold-ms 1000]
#                    [--warmup-s 20] [--no-build] [--out DIR]
#   CAPACITY_SERVER_ARGS="--Logging:LogLevel:Default=Warning" perf/capacity.sh …   # extra server settings
#   perf/capacity.sh --rates 1000 --seconds 600 --report-s 60     # the 10-minute run
#
# Ports (the ones issue 10's measurements use): SIP 127.0.0.1:26060 (UDP), loadgen 26070/26072,
# HTTP 26080, RTP 27000-30999 (2,000 pairs: a 1 s hold at 1,000/s keeps ~1,050 calls up, and an ended call's
# pair returns only once its session has let go of it: with 1,500 pairs a stall of a few hundred ms ran the pool dry).
set -euo pipefail
cd "$(dirname "$0")/.."
. perf/lib.sh

RATES="200 400 600 800 1000 1200"
SECONDS_EACH=60
HOLD_MS=1000
WARMUP_S=20
REPORT_S=10
BUILD=1
OUT=/tmp/telephony-capacity
MAX_CALLS=1400
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="$2"; shift 2 ;;
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --hold-ms) HOLD_MS="$2"; shift 2 ;;
    --warmup-s) WARMUP_S="$2"; shift 2 ;;
    --report-s) REPORT_S="$2"; shift 2 ;;
    --max-calls) MAX_CALLS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

[ "$BUILD" = 1 ] && build_release

rm -rf "$OUT" && mkdir -p "$OUT/rec"

(cd "$SERVER_DIR" && exec dotnet Telephony.Server.dll --urls http://127.0.0.1:26080 \
   --Sip:Udp=127.0.0.1:26060 --Sip:Tcp= --Sip:MaxCalls="$MAX_CALLS" \
   --Calls:RtpPortMin=27000 --Calls:RtpPortMax=30999 \
   --DataFolder="$OUT" --Calls:RecordingsFolder="$OUT/rec" --Cases:ConnectionString="Data Source=$OUT/cases.db" \
   --Security:AllowDemoCredentials=true ${CAPACITY_SERVER_ARGS:-}) >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
wait_healthy $SERVER_PID http://127.0.0.1:26080 "$OUT/server.log"

run() { # rate seconds label
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  dotnet "$LOADGEN" setups --server 127.0.0.1:26060 --local 127.0.0.1:26070 --rtp-port 26072 \
    --rate "$1" --seconds "$2" --hold-ms "$HOLD_MS" --report-s "$REPORT_S" --server-pid $SERVER_PID >"$OUT/$3.txt" 2>&1 || true
  local load2; load2=$(cut -d' ' -f1 /proc/loadavg)
  echo "== $3: rate $1/s for $2 s, hold $HOLD_MS ms, load average $load -> $load2"
  sed -n '2,$p' "$OUT/$3.txt" | sed '/^$/d'
}

echo "capacity: server pid $SERVER_PID, Sip:MaxCalls $MAX_CALLS, RTP 27000-30999 (2,000 pairs), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{ if ($1 > 4) print "capacity: the machine is not quiet (load average " $1 "): rates below are what the server got of a shared machine; quote CPU per call" }' /proc/loadavg

[ "$WARMUP_S" -gt 0 ] && { run 200 "$WARMUP_S" warmup >/dev/null; echo "(warm-up: 200/s for $WARMUP_S s)"; }
for r in $RATES; do
  run "$r" "$SECONDS_EACH" "rate-$r"
done
echo "server log: $(wc -l <"$OUT/server.log") lines; warnings/errors: $(grep -cE '^(warn|fail|crit)' "$OUT/server.log" || true)"
grep -E '^(warn|fail|crit)' -A1 "$OUT/server.log" | grep -v '^--' | sed 's/^ *//' | sort | uniq -c | sort -rn | head -8 || true
