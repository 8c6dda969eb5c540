#!/usr/bin/env bash
# The cost of the metrics endpoint, in one run:
#   W2m  W2 (persistent STA_LIST, 4 connections, 256 stations) against a daemon with metrics off
#        and one with metrics on and scraped every second, in alternating rounds; the median of
#        the rounds' on/off throughput ratios must be >= 0.97. Also the daemon's CPU time per
#        request (all its threads, the scrapes included): on a shared machine throughput follows
#        the neighbours' load, CPU time per request far less.
#   SCR  GET /metrics of a daemon holding 10,000 stations (metrics.per_station: false), timed on a
#        kept-alive connection after a warm-up: median and p99 must be <= 20 ms.
# Usage: bash bench/metrics.sh [--quick]      (bench/run.sh calls it; alone about 1-2 minutes)
# Writes bench/out/metrics.csv and prints a summary. Needs: JDK 17+, Maven, gcc, make, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${STATIOND_BENCH_OUT:-$ROOT/bench/out} TOOLS=$ROOT/bench/target/c JAR=$ROOT/daemon/target/stationd.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
case ${1:-} in
    "") ROUNDS=9; DUR=4; WARM=1; SCRAPES=200 ;;
    --quick) ROUNDS=3; DUR=1; WARM=0.3; SCRAPES=30 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "metrics.sh: unknown argument $1 (try --help)" >&2; exit 64 ;;
esac
JVM_FLAGS=${STATIOND_JVM_FLAGS:-$(grep -v '^[[:space:]]*#' "$ROOT/config/jvm.options" | xargs)}
# The daemons on CPU 0, the load and the scraper on CPU 1 (see pinning.sh)
# shellcheck source=bench/pinning.sh
. "$ROOT/bench/pinning.sh"
PIN_DAEMON=$ON_SERVER_CPU PIN_LOAD=$ON_LOAD_CPU

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/daemon/src/main" "$ROOT/protocol/src/main" "$ROOT/daemon/pom.xml" \
        "$ROOT/protocol/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null) ]]; then
    log "building the daemon jar"
    (cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true package -pl daemon -am)
fi
make -s -C "$ROOT/bench/c" >&2

RUN=$(mktemp -d /tmp/stationd-bench-metrics.XXXXXX)
mkdir -p "$OUT"
cp "$JAR" "$RUN/stationd.jar"
[[ -d $ROOT/daemon/target/native ]] && cp -r "$ROOT/daemon/target/native" "$RUN/native" \
    && JVM_FLAGS="$JVM_FLAGS -Djava.library.path=$RUN/native"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_daemon() { # start_daemon NAME METRICS_YAML: sets DDIR_<NAME>, PID_<NAME>
    local d=$RUN/$1
    mkdir -p "$d"
    cat > "$d/stationd.yaml" <<YAML
server:
  socket: stationd.sock
  max_connections: 4096
  idle_timeout: 1h
ingest:
  socket: events.sock
state:
  directory: state
table:
  max_stations: 100000
  expire_after: 1d
log:
  level: warn
$2
YAML
    # shellcheck disable=SC2086
    $PIN_DAEMON "$JAVA" $JVM_FLAGS -jar "$RUN/stationd.jar" --config "$d/stationd.yaml" > "$d/daemon.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    printf -v "PID_$1" '%s' "$pid"
    for _ in $(seq 1200); do
        "$TOOLS/loadgen" -m count -s "$d/stationd.sock" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "metrics.sh: daemon $1 did not answer" >&2; tail -20 "$d/daemon.log" >&2; return 1
}

fill() { # fill NAME N: stations 0..N-1 through the ingest socket, then wait until all are in
    local d=$RUN/$1 n
    "$TOOLS/loadgen" -m ingest -s "$d/events.sock" -c 1 -B 0 -N "$2" -n "$2" -t 120 -L fill >/dev/null 2>&1
    for _ in $(seq 600); do
        n=$("$TOOLS/loadgen" -m count -s "$d/stationd.sock" 2>/dev/null | sed -n 's/COUNT //p')
        [[ $n == "$2" ]] && return 0
        sleep 0.05
    done
    echo "metrics.sh: $1 holds $n stations, expected $2" >&2; return 1
}

cpu_ns() { # cpu_ns PID: nanoseconds on CPU of all the process's threads so far
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ns += $1} END {printf "%.0f", ns}'
}

w2_round() { # w2_round NAME ROUND: one W2 round; appends its qps and CPU ns per request to the csv
    local pid_var=PID_$1 before line requests qps
    before=$(cpu_ns "${!pid_var}")
    line=$($PIN_LOAD "$TOOLS/loadgen" -m persistent -s "$RUN/$1/stationd.sock" -c 4 -d 1 -t "$DUR" -w "$WARM" -e 256 \
        -L "W2m/$1" | grep '^RESULT')
    qps=$(sed -n 's/.* qps=\([0-9.]*\).*/\1/p' <<< "$line")
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<< "$line")
    echo "W2m,$2,$1,$qps" >> "$OUT/metrics.csv"
    # the warm-up's requests are not counted but its CPU is: both sides alike
    echo "CPU,$2,$1,$(( ($(cpu_ns "${!pid_var}") - before) / requests ))" >> "$OUT/metrics.csv"
    log "W2m round $2 metrics $1: $qps qps"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
PORT=$(free_port)
start_daemon off ""
start_daemon on "metrics:
  listen: 127.0.0.1:$PORT
  per_station: false"
fill off 256
fill on 256

# a Prometheus-like scraper of the "on" daemon, once a second for the whole W2 part
$PIN_LOAD python3 - "$PORT" <<'PY' &
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
while True:
    c.request("GET", "/metrics", headers={"Accept-Encoding": "gzip"})
    r = c.getresponse(); r.read()
    if r.status != 200:
        sys.exit("scrape: %d" % r.status)
    time.sleep(1)
PY
SCRAPER=$!
PIDS+=("$SCRAPER")

echo "part,round,daemon,value" > "$OUT/metrics.csv"
for r in $(seq "$ROUNDS"); do
    # alternate which one goes first, so a drift of the machine favours neither
    if (( r % 2 )); then order="off on"; else order="on off"; fi
    for d in $order; do
        w2_round "$d" "$r"
    done
done
kill "$SCRAPER" 2>/dev/null || true
OFF=$(awk -F, '$1=="W2m" && $3=="off" {print $4}' "$OUT/metrics.csv" | median)
ON=$(awk -F, '$1=="W2m" && $3=="on" {print $4}' "$OUT/metrics.csv" | median)
# the ratio of each round's adjacent pair, then their median: a shared machine's load drifts
# between rounds far more than within one
ratio() { # ratio PART: median over the rounds of on / off
    awk -F, -v p="$1" '$1==p {q[$2 "," $3]=$4; n=$2} END {for (r = 1; r <= n; r++) print q[r ",on"] / q[r ",off"]}' \
        "$OUT/metrics.csv" | median | awk '{printf "%.3f", $1}'
}
RATIO=$(ratio W2m)
CPU_RATIO=$(ratio CPU)
CPU_OFF=$(awk -F, '$1=="CPU" && $3=="off" {print $4}' "$OUT/metrics.csv" | median)
CPU_ON=$(awk -F, '$1=="CPU" && $3=="on" {print $4}' "$OUT/metrics.csv" | median)

# ---- scrape time with 10,000 stations -----------------------------------------------------------
fill on 10000
python3 - "$PORT" "$SCRAPES" >> "$OUT/metrics.csv" <<'PY'
import http.client, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def scrape():
    t = time.perf_counter()
    c.request("GET", "/metrics")
    r = c.getresponse(); body = r.read()
    assert r.status == 200 and b"stationd_stations" in body
    return (time.perf_counter() - t) * 1000
for _ in range(max(10, n // 4)):   # warm-up: the first scrapes run interpreted
    scrape()
for i in range(n):
    print("SCR,%d,on,%.3f" % (i + 1, scrape()))
PY
SCR_MED=$(awk -F, '$1=="SCR" {print $4}' "$OUT/metrics.csv" | median)
SCR_P99=$(awk -F, '$1=="SCR" {print $4}' "$OUT/metrics.csv" | sort -g | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; print v[i]}')
SCR_BYTES=$(python3 -c "import urllib.request,sys; print(len(urllib.request.urlopen('http://127.0.0.1:$PORT/metrics').read()))")

W2_OK=$(awk -v r="$RATIO" 'BEGIN {print (r >= 0.97) ? "met" : "NOT met"}')
SCR_OK=$(awk -v m="$SCR_P99" 'BEGIN {print (m <= 20) ? "met" : "NOT met"}')
{
    echo "W2 with metrics on (scraped every second) vs off, $ROUNDS alternating rounds of ${DUR}s:"
    echo "  median qps off $OFF, on $ON; median of the rounds' on/off ratios $RATIO (target >= 0.97: $W2_OK)"
    echo "  daemon CPU per request (median ns) off $CPU_OFF, on $CPU_ON; median of the rounds' on/off ratios $CPU_RATIO"
    echo "GET /metrics with 10,000 stations (per_station: false, $SCRAPES scrapes, $SCR_BYTES bytes):"
    echo "  median $SCR_MED ms, p99 $SCR_P99 ms (target <= 20 ms: $SCR_OK)"
    echo "load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
} | tee "$OUT/metrics.txt"
