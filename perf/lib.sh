# Shared by the perf scripts (sourced): Release builds of the server and the load generator, and waiting for a
# freshly started server to answer /healthz.

SERVER_DIR=src/Telephony.Server/bin/Release/net10.0
LOADGEN=perf/Telephony.LoadGen/bin/Release/net10.0/Telephony.LoadGen.dll

build_release() {
  dotnet build -c Release src/Telephony.Server -v q -nologo >/dev/null
  dotnet build -c Release perf/Telephony.LoadGen -v q -nologo >/dev/null
}

# wait_healthy PID URL LOG: until URL/healthz answers; exits when the server process died first.
wait_healthy() {
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$2/healthz" && return 0
    kill -0 "$1" 2>/dev/null || { echo "server did not start:"; tail -20 "$3"; exit 1; }
    sleep 0.5
  done
}
