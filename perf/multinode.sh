#!/usr/bin/env bash
# Call setups per second through Kamailio (issue 15; docs/benchmarks.md): one node alone, the same node behind the
# shipped deploy/kamailio/kamailio.cfg (the dispatcher's overhead), then two nodes behind it (the scaling factor).
# The load generator's `setups` (perf/Telephony.LoadGen): INVITE to 12345, the IVR answers, ACK, BYE after the hold;
# through Kamailio the ACK and BYE follow its Record-Route. CPU seconds of each node and of all Kamailio processes are
# read from /proc before and after each run, so CPU per call can be quoted on a shared machine.
#
#   perf/multinode.sh [--rates "100 200"] [--seconds 20] [--hold-ms 500] [--no-build] [--out DIR]
#
# Figures: docs/benchmarks.md, "Through Kamailio" (run 2026-12-05 up to 1,100/s).
#
# Loopback addresses and ports (the multinode helper's): Kamailio 127.0.0.30:43050, nodes 127.0.0.31:43051 and
# 127.0.0.32:43052 (HTTP 43061/43062, RTP 44000-45999 and 46000-47999), load generator 127.0.0.33:43900 (RTP 43902).
# The nodes share nothing here (the IVR answers; no queue, seat or case is touched), each with its own SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES="100 200"
SECONDS_EACH=20
HOLD_MS=500
BUILD=1
OUT=/tmp/telephony-multinode
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="$2"; shift 2 ;;
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --hold-ms) HOLD_MS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ "$BUILD" = 1 ]; then
  dotnet build -c Release src/Telephony.Server -v q -nologo >/dev/null
  dotnet build -c Release perf/Telephony.LoadGen -v q -nologo >/dev/null
fi
rm -rf "$OUT" && mkdir -p "$OUT/kam"
SERVER_DIR=$(pwd)/src/Telephony.Server/bin/Release/net10.0
LOADGEN=perf/Telephony.LoadGen/bin/Release/net10.0/Telephony.LoadGen.dll
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

node() { # name address sip-port http-port rtp-min rtp-max
  mkdir -p "$OUT/$1/rec"
  (cd "$SERVER_DIR" && exec dotnet Telephony.Server.dll --urls "http://$2:$4" \
     --Sip:Udp="$2:$3" --Sip:Tcp= --Sip:MaxCalls=1000 --Calls:NodeId="$1" --Calls:RtpBindAddress="$2" \
     --Calls:RtpPortMin="$5" --Calls:RtpPortMax="$6" --Calls:RtpRealtimePriority=0 \
     --DataFolder="$OUT/$1" --Calls:RecordingsFolder="$OUT/$1/rec" --Cases:ConnectionString="Data Source=$OUT/$1/cases.db" \
     --Security:AllowDemoCredentials=true) >"$OUT/$1/server.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$1=$!"
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://$2:$4/healthz/ready" && return 0
    sleep 0.5
  done
  echo "node $1 did not start:"; tail -20 "$OUT/$1/server.log"; exit 1
}

kamailio_with() { # dispatcher entries...
  printf '%s\n' "$@" >"$OUT/kam/dispatcher.list"
  /usr/sbin/kamailio -f deploy/kamailio/kamailio.cfg -DD -E -m 256 -M 8 -Y "$OUT/kam" -w "$OUT/kam" \
    -A 'LISTEN=udp:127.0.0.30:43050' -A "DISPATCHER_LIST=\"$OUT/kam/dispatcher.list\"" -A DS_PING_INTERVAL=1 -A TX_TIMEOUT_MS=2000 \
    >"$OUT/kam/kamailio.log" 2>&1 &
  KAM_PID=$!
  PIDS+=($KAM_PID)
  sleep 3 # its probes mark the nodes up
}

cpu() { # CPU seconds (user + system) of the given PIDs and all their children threads, from /proc/<pid>/stat
  local total=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    total=$(awk -v t="$total" '{ sub(/^.*\) /, ""); print t + ($12 + $13) / 100 }' "/proc/$p/stat")
  done
  echo "$total"
}

kamailio_pids() { pgrep -P "$KAM_PID" 2>/dev/null | tr '\n' ' '; echo "$KAM_PID"; }

run() { # label target rate
  local nodes_before kam_before=0 nodes_after kam_after=0 answered
  nodes_before=$(cpu $NODE_PIDS)
  [ -n "${KAM_PID:-}" ] && kam_before=$(cpu $(kamailio_pids))
  dotnet "$LOADGEN" setups --server "$2" --local 127.0.0.33:43900 --rtp-port 43902 \
    --rate "$3" --seconds "$SECONDS_EACH" --hold-ms "$HOLD_MS" --report-s "$SECONDS_EACH" --drain-s 10 >"$OUT/$1-$3.txt" 2>&1 || true
  nodes_after=$(cpu $NODE_PIDS)
  [ -n "${KAM_PID:-}" ] && kam_after=$(cpu $(kamailio_pids))
  local attempts; attempts=$(grep -oE '[0-9]+ INVITEs' "$OUT/$1-$3.txt" | tail -1 | grep -oE '[0-9]+' || echo 0)
  echo "== $1 at $3/s for $SECONDS_EACH s (hold $HOLD_MS ms), load average $(cut -d' ' -f1 /proc/loadavg)"
  grep -vE '^\s*$' "$OUT/$1-$3.txt" | tail -6 | sed 's/^/   /'
  awk -v n0="$nodes_before" -v n1="$nodes_after" -v k0="$kam_before" -v k1="$kam_after" -v a="$attempts" -v s="$SECONDS_EACH" \
    'BEGIN { if (a > 0) printf "   CPU: nodes %.2f s = %.3f ms/call (%.0f %% of a core); kamailio %.2f s = %.3f ms/call (%.0f %% of a core)\n", n1-n0, 1000*(n1-n0)/a, 100*(n1-n0)/s, k1-k0, 1000*(k1-k0)/a, 100*(k1-k0)/s }'
}

echo "multinode: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); rates: $RATES; $SECONDS_EACH s each, hold $HOLD_MS ms"
node a 127.0.0.31 43051 43061 44000 45999
NODE_PIDS="$PID_a"
run warmup 127.0.0.31:43051 100 >/dev/null
for r in $RATES; do run "one-node-direct" 127.0.0.31:43051 "$r"; done

kamailio_with "1 sip:127.0.0.31:43051"
for r in $RATES; do run "one-node-via-kamailio" 127.0.0.30:43050 "$r"; done
kill "$KAM_PID"; wait "$KAM_PID" 2>/dev/null || true

node b 127.0.0.32 43052 43062 46000 47999
NODE_PIDS="$PID_a $PID_b"
run warmup-b 127.0.0.32:43052 100 >/dev/null
kamailio_with "1 sip:127.0.0.31:43051" "1 sip:127.0.0.32:43052"
for r in $RATES; do run "two-nodes-via-kamailio" 127.0.0.30:43050 "$r"; done
echo "INVITEs Kamailio sent to each node in the two-node runs: a $(grep -c 'to node sip:127.0.0.31' "$OUT/kam/kamailio.log" || true), b $(grep -c 'to node sip:127.0.0.32' "$OUT/kam/kamailio.log" || true)"
