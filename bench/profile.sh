#!/usr/bin/env bash
# Where a request's CPU time goes, stationd against the C epoll server: each server alone on CPU 0,
# the load generator on CPU 1 (as run.sh's request workloads), `perf record` samples CPU 0 while the
# load runs, and the samples are split by where they fell: the kernel, the server's own code (the C
# binary; Java's JIT-compiled or interpreted code), the JVM's library, other libraries, and idle.
# Printed per request in microseconds (share of CPU 0 divided by the request rate), so the two
# servers compare directly.
#
#   bash bench/profile.sh                 # W2 (persistent) and W3 (pipelined), 256 stations
#   bash bench/profile.sh persistent      # one mode
#
# Needs: perf, two CPUs, the daemon and the C tools built (bash bench/run.sh --only W1s builds both).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/bench/target/c
STATIOND=$ROOT/daemon/target/stationd
MODES=${*:-persistent pipeline}
SECONDS_SAMPLED=5

command -v perf >/dev/null || { echo "profile.sh: perf is not installed" >&2; exit 69; }
[[ $(nproc) -ge 2 ]] || { echo "profile.sh: needs two CPUs (the server on one, the load on the other)" >&2; exit 69; }
[[ -x $STATIOND && -x $TOOLS/loadgen && -x $TOOLS/epoll_server ]] \
    || { echo "profile.sh: build first (bash bench/run.sh --only W1s builds the daemon and the C tools)" >&2; exit 69; }

RUN=$(mktemp -d /tmp/stationd-profile.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT

await_socket() { for _ in $(seq 300); do [[ -S $1 ]] && return 0; sleep 0.05; done; echo "profile.sh: no socket $1" >&2; return 1; }

# profile NAME SOCKET MODE: one row
profile() {
    local name=$1 sock=$2 mode=$3 depth=1 out=$RUN/$1-$3
    [[ $mode == pipeline ]] && depth=16
    taskset -c 1 "$TOOLS/loadgen" -m "$mode" -s "$sock" -c 4 -d $depth -t 3 -w 0 -e 256 >/dev/null 2>&1 # warm-up
    taskset -c 1 "$TOOLS/loadgen" -m "$mode" -s "$sock" -c 4 -d $depth -t $((SECONDS_SAMPLED + 2)) -w 1 -e 256 \
        > "$out.load" 2>/dev/null &
    local lp=$!
    sleep 1
    perf record -q -C 0 -o "$out.data" -- sleep "$SECONDS_SAMPLED" >/dev/null 2>&1
    wait $lp
    local qps
    qps=$(sed -n 's/^RESULT.* qps=\([0-9.]*\).*/\1/p' "$out.load")
    # "comm dso" shares of CPU 0; swapper = idle
    perf report -i "$out.data" --no-children --sort comm,dso -q -g none 2>/dev/null \
        | awk -v name="$name" -v mode="$mode" -v qps="$qps" '
            { pct = $1; sub(/%/, "", pct); dso = $NF
              if ($2 == "swapper") k = "idle"
              else if (dso == "[kernel.kallsyms]") k = "kernel"
              else if (dso ~ /libjvm\.so/) k = "jvm"
              else if (dso ~ /\.so/ || dso == "[vdso]") k = "lib"
              else k = "own" # the C binary, or the JIT-compiled and interpreted Java code
              share[k] += pct }
            END { us = 1e6 / qps / 100
                  printf "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", name, mode, qps,
                      share["kernel"] * us, share["own"] * us, share["jvm"] * us, share["lib"] * us,
                      share["idle"] * us, (100 - share["idle"]) * us }'
}

taskset -c 0 "$TOOLS/epoll_server" "$RUN/epoll.sock" 256 2>/dev/null &
PIDS+=($!)
mkdir -p "$RUN/d"
printf 'server:\n  socket: stationd.sock\ningest:\n  socket: events.sock\nstate:\n  directory: state\nlog:\n  level: warn\n' \
    > "$RUN/d/stationd.yaml"
taskset -c 0 "$STATIOND" --config "$RUN/d/stationd.yaml" > "$RUN/d/log" 2>&1 &
PIDS+=($!)
await_socket "$RUN/epoll.sock"
await_socket "$RUN/d/stationd.sock"
"$TOOLS/loadgen" -m ingest -s "$RUN/d/events.sock" -c 1 -B 0 -N 256 -n 256 -t 60 -L fill >/dev/null 2>&1
for _ in $(seq 200); do
    [[ $("$TOOLS/loadgen" -m count -s "$RUN/d/stationd.sock" 2>/dev/null) == "COUNT 256" ]] && break
    sleep 0.05
done

echo "| server | mode | qps | kernel µs | own code µs | JVM µs | libraries µs | idle µs | busy µs |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for mode in $MODES; do
    profile epoll "$RUN/epoll.sock" "$mode"
    profile stationd "$RUN/d/stationd.sock" "$mode"
done
