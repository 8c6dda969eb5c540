#!/usr/bin/env bash
# The stationd benchmark: W1-W10 against the C baselines and stationd, in one run. Usage:
#
#   bash bench/run.sh                  # everything but the soak, about 20 minutes on 2 cores
#   bash bench/run.sh --quick          # every workload, short rounds, about 6 minutes
#   bash bench/run.sh --only W2,W3     # just these (W1..W9, W1s = syscall count; enrich, metrics, expiry)
#   bash bench/run.sh --soak 60        # also W10: 60 minutes of W9's churn (CI does not run it)
#   bash bench/run.sh --only W10 --soak 60   # the soak alone
#   bash bench/run.sh --rounds 7       # rounds per comparison (default 5, --quick 3)
#   STATIOND_BENCH_OUT=DIR bash bench/run.sh ...   # results and charts into DIR (default bench/out, bench/)
#
# Every comparison runs in alternating rounds within this run (baseline, stationd, baseline, ...
# with both servers up), and every ratio in the report is the median of the per-round ratios
# with their min-max. Builds what is missing or stale (daemon jar via Maven, C tools via make),
# writes bench/out/results.md, bench/out/*.csv and the charts bench/*.png. JVM flags of the
# daemon: config/jvm.options (what the README and the systemd unit use), or $STATIOND_JVM_FLAGS,
# plus the start-up archive built for the benchmark's copy of the jar; the daemon is started by its
# launcher (daemon/target/stationd), as the README and the unit do. W5 and W6 also start it on a
# JDK 25+ with its ahead-of-time cache when one is found ($STATIOND_AOT_JAVA, or /usr/lib/jvm/*25*).
# Needs: JDK 17+, Maven, gcc, make; strace for W1s; root, ip, hostapd and wpa_supplicant for W8's
# real-hostapd point (skipped without them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
OUT=${STATIOND_BENCH_OUT:-$BENCH/out}   # results; the charts go to bench/ (or $STATIOND_BENCH_OUT too)
CHARTS=${STATIOND_BENCH_OUT:-$BENCH}
TOOLS=$BENCH/target/c
JAR=$ROOT/daemon/target/stationd.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

QUICK=0
ONLY=
SOAK_MIN=0
ROUNDS=
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1 ;;
        --only) ONLY=,$2,; shift ;;
        --soak) SOAK_MIN=$2; shift ;;
        --rounds) ROUNDS=$2; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done
if [[ $QUICK == 1 ]]; then
    ROUNDS=${ROUNDS:-3}; DUR=1; WARM=0.3; W7DUR=0.5; W4DUR=1; STARTS=3; W8DUR=4; W8IDUR=4; W9DUR=15; W9WARM=5
else
    ROUNDS=${ROUNDS:-5}; DUR=3; WARM=0.5; W7DUR=1.5; W4DUR=3; STARTS=7; W8DUR=30; W8IDUR=20; W9DUR=60; W9WARM=10
fi
wanted() { [[ -z $ONLY || $ONLY == *,$1,* ]]; }

if [[ -n ${STATIOND_JVM_FLAGS:-} ]]; then
    JVM_FLAGS=$STATIOND_JVM_FLAGS
    FLAGS_FROM='$STATIOND_JVM_FLAGS'
else
    JVM_FLAGS=$(grep -v '^[[:space:]]*#' "$ROOT/config/jvm.options" | xargs)
    FLAGS_FROM=config/jvm.options
fi

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
T_START=$(date +%s)

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
# Private copies, so a concurrent 'mvn package' cannot swap the jar in the middle of the run. The
# daemon is started by its launcher, as the README and the unit do: it finds the jar, jvm.options,
# native/ and the start-up archive next to itself, and builds that archive for the java it runs
# (stationd --create-cds-archive: an ahead-of-time cache on JDK 25+, a class-data sharing archive
# before), as 'mvn package' and the package do. W5 and W6 also start the daemon on a JDK 25+ (a
# launcher directory of its own, so its archive is its own), and W6 with the dynamic archive of
# earlier versions (-XX:ArchiveClassesAtExit on the JDK's default archive) for comparison.
launcher_dir() { # launcher_dir DIR: the launcher, the jar, jvm.options and native/ in DIR
    mkdir -p "$1"
    cp "$ROOT/daemon/target/stationd" "$JAR" "$1/"
    # shellcheck disable=SC2086 # one flag per line
    printf '%s\n' $JVM_FLAGS > "$1/jvm.options"
    if [[ -d $ROOT/daemon/target/native ]]; then cp -r "$ROOT/daemon/target/native" "$1/native"; fi
}
declare -A HOME_OF=() # variant -> JAVA_HOME for its launcher ("" = as this shell has it)
launcher_dir "$RUN"
JAR=$RUN/stationd.jar
STATIOND=$RUN/stationd
if "$STATIOND" --create-cds-archive; then ARCHIVE=$RUN/stationd.jsa; else ARCHIVE=; log "no start-up archive; running without"; fi
AOT_JAVA=${STATIOND_AOT_JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)}
if (wanted W6 || wanted W5) && [[ -n $AOT_JAVA && -x $AOT_JAVA ]]; then
    launcher_dir "$RUN/launcher-jdk25"
    HOME_OF[jdk25]=$(dirname "$(dirname "$(readlink -f "$AOT_JAVA")")")
    JAVA_HOME=${HOME_OF[jdk25]} "$RUN/launcher-jdk25/stationd" --create-cds-archive || unset "HOME_OF[jdk25]"
fi
if wanted W6; then
    d=$RUN/launcher-dyn
    launcher_dir "$d"
    printf 'server:\n  socket: s.sock\ningest:\n  socket: e.sock\nstate:\n  directory: state\nlog:\n  level: warn\n' > "$d/t.yaml"
    # shellcheck disable=SC2086
    if (cd "$d" && "$JAVA" $JVM_FLAGS -Djava.library.path="$d/native" -XX:ArchiveClassesAtExit="$d/stationd.jsa" \
            -jar "$d/stationd.jar" --config "$d/t.yaml" --exit-after-start > "$d/log" 2>&1); then
        HOME_OF[dyn]=${JAVA_HOME:-}
    fi
fi

# shellcheck source=bench/pinning.sh
. "$BENCH/pinning.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$OUT"/*.csv "$OUT"/w5m-*.txt
declare -A PID_OF=()
cleanup() {
    for p in "${PID_OF[@]}" ${EXTRA_PIDS:-}; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ -n ${LAB:-} ]] && bash "$BENCH/hostapd-lab.sh" down "$LAB" >/dev/null 2>&1
    rm -rf "$RUN"
}
trap cleanup EXIT
# set -e ends the run at the first command that fails; say which, rather than stop without a word
set -E
trap 'rc=$?; [[ $BASHPID == "$$" ]] && log "stopped: line $LINENO: $BASH_COMMAND exited with status $rc"' ERR

REQ_CSV=$OUT/requests.csv
echo "workload,server,round,mode,stations,conns,depth,requests,seconds,qps,p50_us,p99_us,p999_us,max_us,errors,malformed" > "$REQ_CSV"
echo "workload,server,round,target_rate,senders,sent,send_seconds,send_rate,applied_seconds,applied_rate" > "$OUT/ingest.csv"
echo "server,sent,markers,daemon_events,lost" > "$OUT/ingest-lost.csv"
echo "server,round,stations,idle_conns,idle_open,vmrss_kib,vmhwm_kib,p50_us,p99_us,p999_us,qps,errors,malformed" > "$OUT/w5.csv"
echo "server,round,ping_ms,ready_ms" > "$OUT/startup.csv"
echo "workload,source,rate,seconds,events,subscribers,matched,lost,peer_dropped,p50_us,p99_us,p999_us,max_us" > "$OUT/latency.csv"
echo "server,connections,syscall,calls" > "$OUT/syscalls.csv"

kv() { # kv "LINE" KEY -> value (pure bash: process start-up is slow on small machines)
    local f
    for f in $1; do
        if [[ $f == "$2="* ]]; then echo "${f#*=}"; return; fi
    done
}
csv_of() { # csv_of "LINE" KEY... -> the values, comma-separated
    local line=$1 out= k
    shift
    for k in "$@"; do out+=${out:+,}$(kv "$line" "$k"); done
    echo "$out"
}

# ---- servers ---------------------------------------------------------------------------------
# Several servers may be up at once (alternating rounds); each has a NAME: its socket is
# $RUN/NAME.sock (C baselines) or $RUN/NAME/stationd.sock (daemons). SERVER_PID and DDIR name the
# last one started.
SERVER_PID=
DDIR=
wait_answer() { # wait_answer SOCKET PID [LOG]: until a STA_LIST gets any reply (up to 60 s)
    for _ in $(seq 1200); do
        "$TOOLS/loadgen" -m count -s "$1" >/dev/null 2>&1 && return 0
        if ! kill -0 "$2" 2>/dev/null; then break; fi
        sleep 0.05
    done
    echo "run.sh: nothing answers on $1" >&2
    [[ -n ${3:-} ]] && tail -20 "$3" >&2
    return 1
}

start_c() { # start_c NAME seed|epoll STATIONS [epoll_server options]
    local name=$1 kind=$2 n=$3 sock=$RUN/$1.sock
    shift 3
    rm -f "$sock"
    if [[ $kind == seed ]]; then
        ${PIN_DAEMON:-} "$TOOLS/seed_server" "$sock" "$n" 2> "$RUN/$name.err" &
    else
        ${PIN_DAEMON:-} "$TOOLS/epoll_server" "$@" "$sock" "$n" 2> "$RUN/$name.err" &
    fi
    SERVER_PID=$!; PID_OF[$name]=$SERVER_PID
    wait_answer "$sock" "$SERVER_PID"
}

daemon_cmd() { # daemon_cmd CONFIG [VARIANT [JAVA_OPTS]]: the command line that starts stationd through a launcher
    if [[ -z ${2:-} ]]; then
        echo "${PIN_DAEMON:-} env STATIOND_JAVA_OPTS=${3:-} $STATIOND --config $1"
    else
        echo "env JAVA_HOME=${HOME_OF[$2]} STATIOND_JAVA_OPTS=${3:-} $RUN/launcher-$2/stationd --config $1"
    fi
}
START_VARIANT= START_OPTS= # another launcher (jdk25, dyn) / more JVM flags for the next start_daemon

start_daemon() { # start_daemon NAME [EXTRA_YAML]: fresh state and config in $RUN/NAME
    local name=$1
    DDIR=$RUN/$name
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
${2:-}
YAML
    # shellcheck disable=SC2046
    $(daemon_cmd "$DDIR/stationd.yaml" "$START_VARIANT" "$START_OPTS") > "$DDIR/daemon.log" 2>&1 &
    SERVER_PID=$!; PID_OF[$name]=$SERVER_PID
    wait_answer "$DDIR/stationd.sock" "$SERVER_PID" "$DDIR/daemon.log"
}

DAEMON_EVENTS=
stop() { # stop NAME: SIGTERM; sets DAEMON_EVENTS from the server's count of applied events
    local name=$1 pid=${PID_OF[$1]:-}
    [[ -z $pid ]] && return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PID_OF[$name]"
    if [[ -f $RUN/$name/daemon.log ]]; then
        DAEMON_EVENTS=$(sed -n 's/.*stopped: .* events=\([0-9]*\).*/\1/p' "$RUN/$name/daemon.log" | tail -1)
    else
        DAEMON_EVENTS=$(sed -n 's/^events=//p' "$RUN/$name.err" 2>/dev/null | tail -1)
    fi
}
stop_daemon() { stop "$(basename "$DDIR")"; } # the last daemon started
stop_server() { for n in "${!PID_OF[@]}"; do [[ -f $RUN/$n.err ]] && stop "$n"; done; } # every C baseline

sock_of() { # sock_of NAME: stationd = the last daemon started
    if [[ $1 == stationd ]]; then echo "$DDIR/stationd.sock"
    elif [[ -d $RUN/$1 && -S $RUN/$1/stationd.sock ]]; then echo "$RUN/$1/stationd.sock"
    else echo "$RUN/$1.sock"; fi
}

fill_daemon() { # fill_daemon FROM TO: stations FROM..TO-1 through the ingest socket, then verify
    "$TOOLS/loadgen" -m ingest -s "$DDIR/events.sock" -c 1 -B "$1" -N "$2" -n $(($2 - $1)) -t 120 -L fill >/dev/null 2>&1 \
        || { echo "run.sh: sending stations $1..$(($2 - 1)) failed" >&2; return 1; }
    local n=
    for _ in $(seq 600); do
        # a count that fails (the daemon busy applying) is asked again, not the end of the run
        n=$("$TOOLS/loadgen" -m count -s "$DDIR/stationd.sock" 2>/dev/null | sed -n 's/COUNT //p' || true)
        [[ $n == "$2" ]] && return 0
        sleep 0.05
    done
    echo "run.sh: stationd holds $n stations, expected $2" >&2; return 1
}

# ---- request workloads -------------------------------------------------------------------------
ROUND=1
lg() { # lg WORKLOAD SERVER STATIONS MODE CONNS DEPTH DURATION [extra loadgen args]: one row of requests.csv
    local w=$1 s=$2 n=$3 m=$4 c=$5 d=$6 t=$7; shift 7
    local line
    line=$(${PIN_LOAD:-} "$TOOLS/loadgen" -m "$m" -s "$(sock_of "$s")" -c "$c" -d "$d" -t "$t" -w "$WARM" -e "$n" -L "$w/$s" "$@" | grep '^RESULT')
    echo "$w,$s,$ROUND,$m,$n,$c,$d,$(csv_of "$line" requests seconds qps p50_us p99_us p999_us max_us errors malformed)" >> "$REQ_CSV"
    log "$w $s r$ROUND $m c=$c d=$d n=$n: qps $(kv "$line" qps), p99 $(kv "$line" p99_us) us, errors $(kv "$line" errors), malformed $(kv "$line" malformed)"
}

rounds() { # rounds WORKLOAD "SERVER..." STATIONS MODE CONNS DEPTH DURATION [extra]: lg per server, alternating, ROUNDS times
    local w=$1 servers=$2 r s
    shift 2
    for r in $(seq "$ROUNDS"); do
        ROUND=$r
        for s in $servers; do lg "$w" "$s" "$@"; done
    done
    ROUND=1
}
mode_of() { if [[ $1 == seed ]]; then echo oneshot; else echo persistent; fi; } # seed: one-shot clients

W7_CONNS="1 4 64 1000"
W7_SIZES="4096 65536"

# ---- W1-W3, W7 ---------------------------------------------------------------------------------
if wanted W1 || wanted W2 || wanted W3 || wanted W7; then
    PIN_DAEMON=$ON_SERVER_CPU PIN_LOAD=$ON_LOAD_CPU # every server on the same core, the load on the other
    start_c seed seed 256
    start_c epoll epoll 256
    (wanted W2 || wanted W3) && start_c epollz epoll 256 -z # the same with sendfile: reported, not a target
    start_daemon main; fill_daemon 0 256
    # JIT warm-up of stationd's paths, not recorded
    for m in oneshot persistent pipeline; do
        $PIN_LOAD "$TOOLS/loadgen" -m "$m" -s "$(sock_of stationd)" -c 4 -t "$DUR" -w 0 -e 256 >/dev/null 2>&1
    done
    wanted W1 && rounds W1 "seed epoll stationd" 256 oneshot 4 1 "$DUR"
    wanted W2 && rounds W2 "epoll stationd epollz" 256 persistent 4 1 "$DUR"
    wanted W3 && rounds W3 "epoll stationd epollz" 256 pipeline 4 16 "$DUR"
    if wanted W7; then
        for c in $W7_CONNS; do
            for r in $(seq "$ROUNDS"); do
                ROUND=$r
                for s in seed epoll stationd; do lg W7c $s 256 "$(mode_of $s)" "$c" 1 $W7DUR; done
            done
        done
        ROUND=1
        prev=256
        for n in 256 $W7_SIZES; do
            if [[ $n != 256 ]]; then
                stop seed; stop epoll
                start_c seed seed "$n"; start_c epoll epoll "$n"
                fill_daemon $prev "$n"
            fi
            for r in $(seq "$ROUNDS"); do
                ROUND=$r
                for s in seed epoll stationd; do lg W7t $s "$n" "$(mode_of $s)" 4 1 $W7DUR; done
            done
            prev=$n
        done
        ROUND=1
    fi
    stop main; stop seed; stop epoll; stop epollz
    PIN_DAEMON= PIN_LOAD=
fi

# ---- W1s: system calls per one-shot connection (strace -c -f on the server) -----------------------
w1s() { # w1s NAME [LABEL]: counts the server's system calls over N one-shot STA_LISTs
    local name=$1 label=${2:-$1} n=2000 pid=${PID_OF[$1]} spid
    strace -c -f -q -o "$RUN/strace-$name.txt" -p "$pid" &
    spid=$!
    sleep 1 # strace attaches to every thread
    "$TOOLS/loadgen" -m oneshot -s "$(sock_of "$name")" -c 1 -n $n -t 600 -w 0 -e 256 -L "W1s/$name" >/dev/null 2>&1
    sleep 0.5
    kill -INT $spid; wait $spid 2>/dev/null || true
    # strace -c: "% time seconds usecs/call calls [errors] syscall", then a "total" line
    awk -v s="$label" -v n=$n '$1 ~ /^[0-9.]+$/ && NF >= 5 { print s "," n "," $NF "," $4 }' "$RUN/strace-$name.txt" >> "$OUT/syscalls.csv"
    log "W1s $label: $(awk -v n=$n '$NF == "total" { printf "%.1f", $3 / n }' "$RUN/strace-$name.txt") system calls per connection"
}
if wanted W1s && command -v strace >/dev/null; then
    start_c seed seed 256; w1s seed; stop seed
    start_daemon w1s; fill_daemon 0 256
    "$TOOLS/loadgen" -m oneshot -s "$(sock_of stationd)" -c 4 -t 2 -w 0 -e 256 >/dev/null 2>&1 # JIT warm-up
    w1s w1s stationd; stop w1s
fi

# ---- W4 ingest -----------------------------------------------------------------------------------
w4() { # w4 SERVER LABEL RATE: 2 senders of UPSERTs over 256 stations, then a marker applied
    local s=$1 evsock line
    if [[ $s == stationd ]]; then evsock=$DDIR/events.sock; else evsock=$RUN/epoll-events.sock; fi
    line=$("$TOOLS/loadgen" -m ingest -s "$evsock" -c 2 -r "$3" -N 256 -t $W4DUR -W "$(sock_of "$s")" -L "W4/$s/$2" | grep '^RESULT')
    SENT[$s]=$(( ${SENT[$s]:-0} + $(kv "$line" sent) )); MARKERS[$s]=$(( ${MARKERS[$s]:-0} + 1 ))
    echo "$2,$s,$ROUND,$3,2,$(csv_of "$line" sent seconds send_rate applied_seconds applied_rate)" >> "$OUT/ingest.csv"
    log "W4 $s $2 r$ROUND: sent $(kv "$line" sent) at $(kv "$line" send_rate)/s, all applied at $(kv "$line" applied_rate)/s"
}
if wanted W4; then
    declare -A SENT=() MARKERS=()
    start_c epoll epoll 256 -i "$RUN/epoll-events.sock"
    start_daemon w4
    # JIT warm-up, not recorded: a known number of events, so that lost = sent + markers - counted
    "$TOOLS/loadgen" -m ingest -s "$DDIR/events.sock" -c 2 -N 256 -n 100000 -t 60 >/dev/null 2>&1
    SENT[stationd]=100000
    for label_rate in "max 0" "100k 100000"; do
        for r in $(seq "$ROUNDS"); do
            ROUND=$r
            # shellcheck disable=SC2086
            for s in epoll stationd; do w4 $s $label_rate; done
        done
    done
    ROUND=1
    for s in epoll stationd; do
        if [[ $s == stationd ]]; then stop w4; else stop epoll; fi
        echo "$s,${SENT[$s]},${MARKERS[$s]},$DAEMON_EVENTS,$(( SENT[$s] + MARKERS[$s] - ${DAEMON_EVENTS:-0} ))" >> "$OUT/ingest-lost.csv"
    done
fi

# ---- W5: 10,000 stations + 1,000 idle connections ------------------------------------------------
w5() { # w5 SERVER: one round; VmRSS sampled in the middle of it
    local s=$1 line rss hwm pid lp
    if [[ $s == stationd ]]; then pid=${PID_OF[w5]}; else pid=${PID_OF[$s]}; fi
    "$TOOLS/loadgen" -m persistent -s "$(sock_of "$s")" -c 1 -t $((DUR + 2)) -w 1 -e 10000 -I 1000 -L "W5/$s" > "$RUN/w5.out" &
    lp=$!
    sleep $((DUR / 2 + 2))
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    wait $lp
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    line=$(grep '^RESULT' "$RUN/w5.out")
    echo "$s,$ROUND,10000,1000,$(kv "$line" idle),$rss,$hwm,$(csv_of "$line" p50_us p99_us p999_us qps errors malformed)" >> "$OUT/w5.csv"
    log "W5 $s r$ROUND: RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), $(kv "$line" idle) idle connections, STA_LIST(10k) p99 $(kv "$line" p99_us) us"
}
if wanted W5; then
    start_c epoll epoll 10000
    start_daemon w5; fill_daemon 0 10000
    for r in $(seq "$ROUNDS"); do
        ROUND=$r
        w5 epoll; w5 stationd
    done
    ROUND=1
    stop epoll; stop w5
    # where the memory goes: the same state in a daemon with native memory tracking (which adds a
    # little of its own); its mappings, the JVM's accounting and the heap's ranges, for the report
    w5m() { # w5m LABEL [VARIANT]
        local pid lp jcmd
        START_VARIANT=${2:-} START_OPTS=-XX:NativeMemoryTracking=summary start_daemon w5m; fill_daemon 0 10000
        pid=${PID_OF[w5m]}
        jcmd=$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd
        "$TOOLS/loadgen" -m persistent -s "$DDIR/stationd.sock" -c 1 -t $((DUR + 2)) -w 1 -e 10000 -I 1000 >/dev/null 2>&1 &
        lp=$!
        sleep $((DUR / 2 + 2))
        "$jcmd" "$pid" VM.native_memory summary > "$OUT/w5m-$1-nmt.txt" 2>&1 || true
        "$jcmd" "$pid" GC.heap_info > "$OUT/w5m-$1-heap.txt" 2>&1 || true
        awk '/^[0-9a-f]+-[0-9a-f]+ / || /^Rss:/' "/proc/$pid/smaps" > "$OUT/w5m-$1-smaps.txt"
        wait $lp
        stop w5m
    }
    w5m default
    [[ -n ${HOME_OF[jdk25]+x} ]] && w5m jdk25 jdk25
fi

# ---- W6: start-up ------------------------------------------------------------------------------
w6() { # w6 NAME CMD...: one start, timed until PING answers (and READY=1 for stationd)
    local s=$1 ready= line sock=$2
    shift 2
    [[ $s == stationd* ]] && ready=-R
    line=$("$TOOLS/loadgen" -m startup $ready -s "$sock" -T 30000 -L "W6/$s" -- "$@" 2>/dev/null | grep '^RESULT' || true)
    echo "$s,$ROUND,$(kv "$line" ms),$(kv "$line" ready_ms)" >> "$OUT/startup.csv"
}
if wanted W6; then
    start_daemon w6; stop w6   # writes $RUN/w6/stationd.yaml
    cfg=$RUN/w6/stationd.yaml sock=$RUN/w6/stationd.sock
    for r in $(seq "$STARTS"); do
        ROUND=$r
        w6 seed "$RUN/seed.sock" "$TOOLS/seed_server" "$RUN/seed.sock" 256
        w6 epoll "$RUN/epoll.sock" "$TOOLS/epoll_server" "$RUN/epoll.sock" 256
        # shellcheck disable=SC2046
        w6 stationd "$sock" $(daemon_cmd "$cfg")
        # shellcheck disable=SC2046
        [[ -n ${HOME_OF[jdk25]+x} ]] && w6 stationd-jdk25 "$sock" $(daemon_cmd "$cfg" jdk25)
        # shellcheck disable=SC2046
        [[ -n ${HOME_OF[dyn]+x} ]] && w6 stationd-dynamic-cds "$sock" $(daemon_cmd "$cfg" dyn)
    done
    ROUND=1
    for s in $(cut -d, -f1 "$OUT/startup.csv" | tail -n +2 | sort -u); do
        log "W6 $s: PING after $(awk -F, -v s="$s" '$1==s {print $3}' "$OUT/startup.csv" | xargs) ms"
    done
fi

# ---- W8: air to agent --------------------------------------------------------------------------
latency_rows() { # latency_rows WORKLOAD FILE: apsim's RESULT lines into latency.csv
    grep '^RESULT' "$2" | while read -r line; do
        echo "$1,$(csv_of "$line" what rate seconds events subscribers matched lost peer_dropped p50_us p99_us p999_us max_us)" >> "$OUT/latency.csv"
    done
}
hostapd_yaml() { # hostapd_yaml DIR N: the hostapd section following DIR/wlan0..N-1
    echo "hostapd:"
    for i in $(seq 0 $(($2 - 1))); do echo "  - ctrl: $1/wlan$i"; done
}
start_ap() { # start_ap NAME BSS APSIM_ARGS...: apsim's fake hostapd first, then a daemon following it
    local name=$1 nbss=$2 ap=$RUN/$1-ap
    shift 2
    mkdir -p "$ap"
    ${PIN_LOAD:-} "$TOOLS/apsim" -d "$ap" -s "$RUN/$name/stationd.sock" -L "$name" "$@" > "$RUN/$name.out" 2> "$RUN/$name.apsim.log" &
    APSIM_PID=$!; EXTRA_PIDS="${EXTRA_PIDS:-} $APSIM_PID"
    for _ in $(seq 200); do [[ -S $ap/wlan$((nbss - 1)) ]] && break; sleep 0.05; done
    start_daemon "$name" "$(hostapd_yaml "$ap" "$nbss")"
}
if wanted W8; then
    start_ap w8 1 -m hostapd -r 1,100,1000 -t $W8DUR -w 5
    wait $APSIM_PID || { log "W8: apsim failed"; cat "$RUN/w8.apsim.log" >&2; }
    cat "$RUN/w8.apsim.log" >&2
    stop w8
    latency_rows W8 "$RUN/w8.out"

    start_daemon w8i
    "$TOOLS/apsim" -m ingest -e "$DDIR/events.sock" -s "$DDIR/stationd.sock" -r 10000 -t $W8IDUR -w 3 -L w8i \
        > "$RUN/w8i.out" 2> "$RUN/w8i.apsim.log" || { log "W8: apsim (ingest) failed"; }
    cat "$RUN/w8i.apsim.log" >&2
    stop w8i
    latency_rows W8 "$RUN/w8i.out"

    # one sanity point against a real hostapd (driver=wired) with wpa_supplicant stations
    LAB=$RUN/lab
    if bash "$BENCH/hostapd-lab.sh" up "$LAB" 8 > "$RUN/lab.log" 2>&1; then
        start_daemon w8r "$(printf 'hostapd:\n  - ctrl: %s\n' "$LAB/hostapd/wlan0")"
        "$TOOLS/apsim" -m real -c "$LAB/hostapd.log" -s "$DDIR/stationd.sock" -t 3600 -w 0 -L w8r \
            > "$RUN/w8r.out" 2> "$RUN/w8r.apsim.log" &
        APSIM_PID=$!; EXTRA_PIDS="${EXTRA_PIDS:-} $APSIM_PID"
        for _ in $(seq 200); do grep -q 'subscribers in' "$RUN/w8r.apsim.log" && break; sleep 0.05; done
        bash "$BENCH/hostapd-lab.sh" cycle "$LAB" 8 $((QUICK == 1 ? 1 : 6)) >> "$RUN/lab.log" 2>&1 || log "W8: lab cycle failed: $(tail -1 "$RUN/lab.log")"
        sleep 1; kill -TERM $APSIM_PID; wait $APSIM_PID || true
        cat "$RUN/w8r.apsim.log" >&2
        stop w8r
        latency_rows W8 "$RUN/w8r.out"
    else
        log "W8: real hostapd point skipped: $(tail -1 "$RUN/lab.log")"
    fi
    bash "$BENCH/hostapd-lab.sh" down "$LAB" >/dev/null 2>&1 || true
    LAB=
fi

# ---- W9: a full access point, and W10: its soak --------------------------------------------------
full_ap() { # full_ap NAME SECONDS WARMUP SAMPLE_EVERY: 8 BSS x 2,007 stations, 5 %/s churn, 32 subscribers
    PIN_DAEMON=$ON_SERVER_CPU PIN_LOAD=$ON_LOAD_CPU start_ap "$1" 8 -m ap -b 8 -n 2007 -r 803 -S 32 -D 2 -P -t "$2" -w "$3" -i "$4" -o "$OUT/$1-samples.csv"
    wait $APSIM_PID || { log "$1: apsim failed"; }
    cat "$RUN/$1.apsim.log" >&2
    stop "$1"
}
ap_rows() { # ap_rows NAME: apsim's RESULT / SUB lines into NAME.csv / NAME-subscribers.csv
    local keys="bss stations final_stations churn seconds subscribers slow views_ok lost_fast lost_slow q_bss q_bss_p50_us q_bss_p99_us q_bss_max_us q_all q_all_p50_us q_all_p99_us q_all_max_us q_errors cpu_pct rss_kib rss_max_kib hwm_kib fds threads lat_p50_us lat_p99_us lat_max_us"
    echo "${keys// /,}" > "$OUT/$1.csv"
    # shellcheck disable=SC2086
    grep '^RESULT' "$RUN/$1.out" | while read -r line; do csv_of "$line" $keys; done >> "$OUT/$1.csv"
    echo "id,slow,records,lost,drops,view_wrong" > "$OUT/$1-subscribers.csv"
    grep '^SUB' "$RUN/$1.out" | while read -r line; do csv_of "$line" id slow records lost drops view_wrong; done >> "$OUT/$1-subscribers.csv"
}
if wanted W9; then
    full_ap w9 $W9DUR $W9WARM 1
    ap_rows w9
fi
# rss_parts PID: the process's resident KiB by kind of mapping, one CSV row (see rss_sampler)
rss_parts() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / {
            split($1, r, "-"); path = (NF >= 6) ? $6 : ""
            # the Java heap: anonymous and below 32 GiB (compressed references put it there)
            if (path == "" && length(r[1]) <= 9 && $2 == "rw-p") kind = "heap"
            else if (path == "" && $2 == "rwxp") kind = "code"
            else if (path ~ /\.jsa$/) kind = "archive"
            else if (path ~ /libjvm\.so$/) kind = "libjvm"
            else if (path != "" && path !~ /^\[/) kind = "files"
            else kind = "anon"
         }
         /^Rss:/ { kib[kind] += $2 }
         END { printf "%d,%d,%d,%d,%d,%d\n", kib["heap"], kib["code"], kib["archive"], kib["libjvm"], kib["files"], kib["anon"] }' \
        "/proc/$1/smaps" 2>/dev/null
}
# rss_sampler NAME SECONDS: every SECONDS, where the daemon's resident memory is, into $OUT/NAME-rss-parts.csv
# (anon = malloc arenas, metaspace, thread stacks and direct buffers; read from outside, no attach)
rss_sampler() {
    local pid= t0 row
    # a background job does not see PID_OF change: find the daemon by its configuration
    for _ in $(seq 600); do pid=$(pgrep -f -- "--config $RUN/$1/stationd.yaml" || true); pid=${pid%%$'\n'*}; [[ -n $pid ]] && break; sleep 0.1; done
    t0=$SECONDS
    echo "t_s,heap_kib,code_kib,archive_kib,libjvm_kib,files_kib,anon_kib" > "$OUT/$1-rss-parts.csv"
    while kill -0 "$pid" 2>/dev/null; do
        row=$(rss_parts "$pid") && [[ -n $row ]] && echo "$((SECONDS - t0)),$row" >> "$OUT/$1-rss-parts.csv"
        sleep "$2"
    done
}
if [[ $SOAK_MIN -gt 0 ]]; then
    log "W10: soak of $SOAK_MIN minutes"
    rss_sampler w10 60 &
    EXTRA_PIDS="${EXTRA_PIDS:-} $!"
    full_ap w10 $((SOAK_MIN * 60)) 0 10
    ap_rows w10
fi

# ---- more benchmarks, each a program of its own ------------------------------------------------
# address learning (needs root; writes $OUT/enrich.md)
if wanted enrich; then
    # shellcheck disable=SC2046,SC2086
    "$JAVA" -cp "$JAR" "$BENCH/src/main/java/dev/stationd/bench/EnrichBench.java" --jar "$JAR" --loadgen "$TOOLS/loadgen" \
        --out "$OUT" $([[ $QUICK == 1 ]] && echo --quick) -- $JVM_FLAGS -Djava.library.path="$RUN/native" \
        ${ARCHIVE:+-XX:SharedArchiveFile=$ARCHIVE} || log "enrich benchmark failed"
fi
# metrics endpoint: W2 with metrics on vs off, scrape time with 10,000 stations
if wanted metrics; then
    bash "$BENCH/metrics.sh" $([[ $QUICK == 1 ]] && echo --quick) >&2
fi
# timed filters: 10,000 expiries spread over 10 s (lag to the subscriber, daemon CPU)
if wanted expiry; then
    log "timed-filter expiry (ExpiryBench, about 1 minute)"
    "$JAVA" -cp "$JAR" "$BENCH/src/main/java/dev/stationd/bench/ExpiryBench.java" --daemon "$STATIOND" \
        --dir "$RUN/expiry" --out "$OUT/expiry.csv" >&2 || log "timed-filter expiry benchmark failed"
fi

# ---- report ---------------------------------------------------------------------------------
{
    echo "machine.cores=$(nproc)"
    echo "machine.cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "machine.kernel=$(uname -sr)"
    echo "machine.memory_mib=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"
    echo "jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p')"
    [[ -n ${HOME_OF[jdk25]+x} ]] && echo "jdk_aot=$("$AOT_JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p')"
    echo "jvm_flags=$JVM_FLAGS${ARCHIVE:+ -XX:SharedArchiveFile=$ARCHIVE} (the launcher adds the last and -Djava.library.path)"
    echo "jvm_flags_from=$FLAGS_FROM"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
    echo "loadavg_before=$LOAD_BEFORE"
    echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "quick=$QUICK"
    echo "only=${ONLY//,/ }"
    echo "rounds=$ROUNDS"
    echo "durations=rounds of ${DUR}s after ${WARM}s warm-up (W7 ${W7DUR}s, W4 ${W4DUR}s), W6 $STARTS starts, W8 ${W8DUR}s per rate (sta_event ${W8IDUR}s), W9 ${W9DUR}s"
    echo "soak_minutes=$SOAK_MIN"
    echo "run_minutes=$(( ($(date +%s) - T_START + 30) / 60 ))"
} > "$OUT/machine.properties"
mkdir -p "$RUN/report"
javac -d "$RUN/report" "$BENCH"/src/main/java/dev/stationd/bench/report/*.java
"$JAVA" -cp "$RUN/report" dev.stationd.bench.report.Report "$OUT" "$CHARTS"
log "done in $(( ($(date +%s) - T_START) / 60 )) min: $OUT/results.md, $OUT/*.csv, $CHARTS/*.png"
cat "$OUT/results.md"
