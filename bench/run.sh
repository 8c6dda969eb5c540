#!/usr/bin/env bash
# The stationd benchmark: W1-W7 against the two C baselines and stationd, in one run,
# on the same tables. Usage:
#
#   bash bench/run.sh            # full run, about 6-8 minutes on 2 cores
#   bash bench/run.sh --quick    # every workload, short durations, about 1-2 minutes
#
# Builds what is missing or stale (daemon jar via Maven, C tools via make), writes bench/out/results.md,
# bench/out/*.csv and the W7 charts bench/w7-*.png. JVM flags of the daemon: config/jvm.options
# (the flags the README and the systemd unit use), or $STATIOND_JVM_FLAGS when set, plus a
# class-data sharing archive built for the benchmark's copy of the jar; the daemon is started by
# its launcher (daemon/target/stationd), as the README and the unit do. Needs: JDK 17+, Maven, gcc, make.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
OUT=$BENCH/out
TOOLS=$BENCH/target/c
JAR=$ROOT/daemon/target/stationd.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

QUICK=0
for a in "$@"; do
    case $a in
        --quick) QUICK=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $a (try --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then
    DUR=1; WARM=0.3; W4DUR=2; W7DUR=0.7; STARTS=3
else
    DUR=5; WARM=1; W4DUR=5; W7DUR=3; STARTS=5
fi

if [[ -n ${STATIOND_JVM_FLAGS:-} ]]; then
    JVM_FLAGS=$STATIOND_JVM_FLAGS
    FLAGS_FROM='$STATIOND_JVM_FLAGS'
else
    JVM_FLAGS=$(grep -v '^[[:space:]]*#' "$ROOT/config/jvm.options" | xargs)
    FLAGS_FROM=config/jvm.options
fi

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---- build -------------------------------------------------------------------------------
# (re)build the daemon jar when it is missing or older than the daemon/protocol sources; tests are
# not compiled (-Dmaven.test.skip) so a benchmark never waits for, or trips over, test code
if [[ ! -f $JAR || ! -x $ROOT/daemon/target/stationd ]] || [[ -n $(find "$ROOT/daemon/src/main" "$ROOT/protocol/src/main" "$ROOT/daemon/pom.xml" \
        "$ROOT/protocol/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null) ]]; then
    log "building the daemon jar (mvn -B -q -Dmaven.test.skip=true package -pl daemon -am)"
    (cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true package -pl daemon -am)
fi
log "building the C tools"
make -s -C "$BENCH/c" >&2

RUN=$(mktemp -d /tmp/stationd-bench.XXXXXX)
mkdir -p "$OUT"
# a private copy, so a concurrent 'mvn package' cannot swap the jar in the middle of the run: the
# launcher finds the jar, jvm.options, native/ and the archive next to itself
cp "$JAR" "$RUN/stationd.jar"
JAR=$RUN/stationd.jar
cp "$ROOT/daemon/target/stationd" "$RUN/stationd"
STATIOND=$RUN/stationd
if [[ -n ${STATIOND_JVM_FLAGS:-} ]]; then
    # shellcheck disable=SC2086 # one flag per line
    printf '%s\n' $STATIOND_JVM_FLAGS > "$RUN/jvm.options"
else
    cp "$ROOT/config/jvm.options" "$RUN/jvm.options"
fi
# Netty's JNI library next to it, loaded in place as the README command and the unit do
if [[ -d $ROOT/daemon/target/native ]]; then
    cp -r "$ROOT/daemon/target/native" "$RUN/native"
    JVM_FLAGS="$JVM_FLAGS -Djava.library.path=$RUN/native"
fi
# the class-data sharing archive must be built for the jar at its path (as 'mvn package' does
# for daemon/target/stationd.jar and the Debian package at install time)
if "$STATIOND" --create-cds-archive; then
    JVM_FLAGS="$JVM_FLAGS -XX:SharedArchiveFile=$RUN/stationd.jsa"
else
    log "class-data sharing training run failed (see above); running without the archive"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$OUT"/*.csv
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT

REQ_CSV=$OUT/requests.csv
echo "workload,server,mode,stations,conns,depth,requests,seconds,qps,p50_us,p99_us,p999_us,max_us,errors,malformed" > "$REQ_CSV"
echo "workload,server,target_rate,senders,sent,send_seconds,send_rate,applied_seconds,applied_rate,daemon_events,lost" > "$OUT/ingest.csv"
echo "server,stations,idle_conns,idle_open,vmrss_kib,vmhwm_kib,p50_us,p99_us,p999_us,qps,errors,malformed" > "$OUT/w5.csv"
echo "server,run,ping_ms,ready_ms" > "$OUT/startup.csv"

kv() { # kv "LINE" KEY -> value (pure bash: process start-up is slow on small machines)
    local f
    for f in $1; do
        if [[ $f == "$2="* ]]; then echo "${f#*=}"; return; fi
    done
}

wait_answer() { # wait_answer SOCKET [LOG]: until a STA_LIST gets any reply (up to 60 s)
    for _ in $(seq 1200); do
        "$TOOLS/loadgen" -m count -s "$1" >/dev/null 2>&1 && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
        sleep 0.05
    done
    echo "run.sh: nothing answers on $1" >&2
    [[ -n ${2:-} ]] && tail -20 "$2" >&2
    return 1
}

SERVER_PID=
start_c() { # start_c seed|epoll STATIONS [epoll_server options]
    local sock=$RUN/$1.sock s=$1 n=$2
    shift 2
    rm -f "$sock"
    if [[ $s == seed ]]; then
        "$TOOLS/seed_server" "$sock" "$n" 2> "$RUN/$s.err" &
    else
        "$TOOLS/epoll_server" "$@" "$sock" "$n" 2> "$RUN/$s.err" &
    fi
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_answer "$sock"
}
stop_server() { # SIGTERM; sets DAEMON_EVENTS from the epoll server's "events=N" (ingest baseline)
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    DAEMON_EVENTS=$(sed -n 's/^events=//p' "$RUN"/*.err 2>/dev/null | tail -1)
    rm -f "$RUN"/*.err
}

DDIR=
start_daemon() { # start_daemon NAME: fresh state, config in $RUN/NAME
    DDIR=$RUN/$1
    rm -rf "$DDIR"; mkdir -p "$DDIR"
    cat > "$DDIR/stationd.yaml" <<YAML
server:
  socket: stationd.sock
  backlog: 4096
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
  level: info
YAML
    "$STATIOND" --config "$DDIR/stationd.yaml" > "$DDIR/daemon.log" 2>&1 &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_answer "$DDIR/stationd.sock" "$DDIR/daemon.log"
}
DAEMON_EVENTS=
stop_daemon() { # SIGTERM; sets DAEMON_EVENTS from the daemon's shutdown line (events applied)
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    DAEMON_EVENTS=$(sed -n 's/.*stopped: .* events=\([0-9]*\).*/\1/p' "$DDIR/daemon.log" | tail -1)
}

fill_daemon() { # fill_daemon FROM TO: stations FROM..TO-1 through the ingest socket, then verify
    "$TOOLS/loadgen" -m ingest -s "$DDIR/events.sock" -c 1 -B "$1" -N "$2" -n $(($2 - $1)) -t 120 -L fill >/dev/null 2>&1
    local n
    for _ in $(seq 600); do
        n=$("$TOOLS/loadgen" -m count -s "$DDIR/stationd.sock" 2>/dev/null | sed -n 's/COUNT //p')
        [[ $n == "$2" ]] && return 0
        sleep 0.05
    done
    echo "run.sh: stationd holds $n stations, expected $2" >&2; return 1
}

sock_of() { if [[ $1 == stationd ]]; then echo "$DDIR/stationd.sock"; else echo "$RUN/$1.sock"; fi; }

lg() { # lg WORKLOAD SERVER STATIONS MODE CONNS DEPTH DURATION [extra loadgen args]
    local w=$1 s=$2 n=$3 m=$4 c=$5 d=$6 t=$7; shift 7
    local line
    line=$("$TOOLS/loadgen" -m "$m" -s "$(sock_of "$s")" -c "$c" -d "$d" -t "$t" -w "$WARM" -e "$n" -L "$w/$s" "$@" | grep '^RESULT')
    echo "$w,$s,$m,$n,$c,$d,$(kv "$line" requests),$(kv "$line" seconds),$(kv "$line" qps),$(kv "$line" p50_us),$(kv "$line" p99_us),$(kv "$line" p999_us),$(kv "$line" max_us),$(kv "$line" errors),$(kv "$line" malformed)" >> "$REQ_CSV"
    log "$w $s $m c=$c d=$d n=$n: qps $(kv "$line" qps), p50 $(kv "$line" p50_us) us, p99 $(kv "$line" p99_us) us, errors $(kv "$line" errors), malformed $(kv "$line" malformed)"
}

W7_CONNS="1 4 64 1000"
W7_SIZES="256 4096 65536"

# ---- W1-W3 and W7 (connections) on 256 stations ---------------------------------------------
for s in seed epoll stationd; do
    if [[ $s == stationd ]]; then start_daemon main; fill_daemon 0 256; else start_c $s 256; fi
    lg W1 $s 256 oneshot 4 1 $DUR
    if [[ $s != seed ]]; then     # the seed design closes after every reply: no W2/W3
        lg W2 $s 256 persistent 4 1 $DUR
        lg W3 $s 256 pipeline 4 16 $DUR
    fi
    for c in $W7_CONNS; do        # seed: one-shot clients; the others: persistent connections
        if [[ $s == seed ]]; then lg W7c $s 256 oneshot "$c" 1 $W7DUR; else lg W7c $s 256 persistent "$c" 1 $W7DUR; fi
    done
    # W7 table growth, 4 clients
    prev=256
    for n in $W7_SIZES; do
        if [[ $s == stationd ]]; then
            [[ $n != 256 ]] && fill_daemon $prev "$n"
        elif [[ $n != 256 ]]; then
            stop_server; start_c $s "$n"
        fi
        if [[ $s == seed ]]; then lg W7t $s "$n" oneshot 4 1 $W7DUR; else lg W7t $s "$n" persistent 4 1 $W7DUR; fi
        prev=$n
    done
    if [[ $s == stationd ]]; then stop_daemon; else stop_server; fi
done

# ---- W4 ingest ------------------------------------------------------------------------------
w4() { # w4 SERVER LABEL RATE: 2 senders of UPSERTs over 256 stations, then a marker; lost = sent + marker - applied
    local s=$1 line sent events evsock cmdsock
    if [[ $s == stationd ]]; then
        start_daemon "w4-$2"; evsock=$DDIR/events.sock; cmdsock=$DDIR/stationd.sock
    else
        start_c epoll 256 -i "$RUN/epoll-events.sock"; evsock=$RUN/epoll-events.sock; cmdsock=$RUN/epoll.sock
    fi
    line=$("$TOOLS/loadgen" -m ingest -s "$evsock" -c 2 -r "$3" -N 256 -t $W4DUR -W "$cmdsock" -L "W4/$s/$2" | grep '^RESULT')
    if [[ $s == stationd ]]; then stop_daemon; else stop_server; fi
    events=$DAEMON_EVENTS
    sent=$(kv "$line" sent)
    local lost=$((sent + 1 - ${events:-0}))
    echo "$2,$s,$3,2,$sent,$(kv "$line" seconds),$(kv "$line" send_rate),$(kv "$line" applied_seconds),$(kv "$line" applied_rate),$events,$lost" >> "$OUT/ingest.csv"
    log "W4 $s $2: sent $sent at $(kv "$line" send_rate)/s, all applied at $(kv "$line" applied_rate)/s, server counted $events (incl. marker), lost $lost"
}
w4 epoll max 0
w4 stationd max 0
w4 epoll 100k 100000
w4 stationd 100k 100000

# ---- W5: 10,000 stations + 1,000 idle connections --------------------------------------------
w5() { # w5 SERVER
    local s=$1 line rss hwm
    if [[ $s == stationd ]]; then start_daemon w5; fill_daemon 0 10000; else start_c "$s" 10000; fi
    "$TOOLS/loadgen" -m persistent -s "$(sock_of "$s")" -c 1 -t $((DUR + 2)) -w 1 -e 10000 -I 1000 -L "W5/$s" > "$RUN/w5.out" &
    local lp=$!
    sleep $((DUR / 2 + 1))
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
    wait $lp
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
    line=$(grep '^RESULT' "$RUN/w5.out")
    echo "$s,10000,1000,$(kv "$line" idle),$rss,$hwm,$(kv "$line" p50_us),$(kv "$line" p99_us),$(kv "$line" p999_us),$(kv "$line" qps),$(kv "$line" errors),$(kv "$line" malformed)" >> "$OUT/w5.csv"
    log "W5 $s: RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), $(kv "$line" idle) idle connections, STA_LIST(10k) p99 $(kv "$line" p99_us) us"
    if [[ $s == stationd ]]; then stop_daemon; else stop_server; fi
}
w5 epoll
w5 stationd

# ---- W6: start-up ---------------------------------------------------------------------------
w6() { # w6 SERVER CMD...
    local s=$1 ready=
    shift
    [[ $s == stationd ]] && ready=-R
    for i in $(seq "$STARTS"); do
        local line
        line=$("$TOOLS/loadgen" -m startup $ready -s "$(sock_of "$s")" -T 30000 -L "W6/$s" -- "$@" 2>/dev/null | grep '^RESULT' || true)
        echo "$s,$i,$(kv "$line" ms),$(kv "$line" ready_ms)" >> "$OUT/startup.csv"
    done
    log "W6 $s: PING after $(awk -F, -v s="$s" '$1==s {print $3}' "$OUT/startup.csv" | xargs) ms"
}
w6 seed "$TOOLS/seed_server" "$RUN/seed.sock" 256
w6 epoll "$TOOLS/epoll_server" "$RUN/epoll.sock" 256
start_daemon w6; stop_daemon   # writes $RUN/w6/stationd.yaml
w6 stationd "$STATIOND" --config "$DDIR/stationd.yaml"

# ---- address learning (needs root; writes $OUT/enrich.md) -------------------------------------
# shellcheck disable=SC2046,SC2086
"$JAVA" -cp "$JAR" "$BENCH/src/main/java/dev/stationd/bench/EnrichBench.java" --jar "$JAR" --loadgen "$TOOLS/loadgen" --out "$OUT" $([[ $QUICK == 1 ]] && echo --quick) -- $JVM_FLAGS || log "enrich benchmark failed"
# ---- metrics endpoint: W2 with metrics on vs off, scrape time with 10,000 stations ------------
bash "$BENCH/metrics.sh" $([[ $QUICK == 1 ]] && echo --quick) >&2

# ---- timed filters: 10,000 expiries spread over 10 s (lag to the subscriber, daemon CPU) -----
log "timed-filter expiry (ExpiryBench, about 1 minute)"
"$JAVA" -cp "$JAR" "$BENCH/src/main/java/dev/stationd/bench/ExpiryBench.java" --daemon "$STATIOND" \
    --dir "$RUN/expiry" --out "$OUT/expiry.csv" >&2 || log "timed-filter expiry benchmark failed"

# ---- report ---------------------------------------------------------------------------------
{
    echo "machine.cores=$(nproc)"
    echo "machine.cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "machine.kernel=$(uname -sr)"
    echo "machine.memory_mib=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"
    echo "jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p')"
    echo "jvm_flags=$JVM_FLAGS"
    echo "jvm_flags_from=$FLAGS_FROM"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
    echo "loadavg_before=$LOAD_BEFORE"
    echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "quick=$QUICK"
    echo "durations=measured ${DUR}s after ${WARM}s warm-up (W7 ${W7DUR}s, W4 ${W4DUR}s)"
} > "$OUT/machine.properties"
"$JAVA" "$BENCH/src/main/java/dev/stationd/bench/Report.java" "$OUT" "$BENCH"
log "done: $OUT/results.md, $OUT/*.csv, $BENCH/w7-*.png"
cat "$OUT/results.md"
