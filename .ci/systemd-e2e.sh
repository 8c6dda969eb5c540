#!/usr/bin/env bash
# End-to-end test of the stationd .deb under a real systemd: builds a minimal Debian root with
# mmdebstrap, boots it with systemd-nspawn (no machined needed: --register=no --keep-unit), drives
# it with nsenter, installs the package, and checks socket activation, readiness, reload, the
# journal, the hardened unit and a clean stop. Needs root; skips (exit 0) with a message otherwise.
#
# Usage: .ci/systemd-e2e.sh [path/to/stationd_<version>_all.deb]
# Env:   STATIOND_E2E_CACHE  where the root tarball is cached (default /var/cache/stationd-e2e)
#        SUITE               Debian suite (default bookworm)
set -euo pipefail
cd "$(dirname "$0")/.."

skip() { echo "systemd-e2e: SKIPPED: $*"; exit 0; }
[[ "$(id -u)" = 0 ]] || skip "needs root (systemd-nspawn, nsenter)"
deb="${1:-$(ls daemon/target/stationd_*_all.deb 2>/dev/null | sed -n 1p)}"
[[ -n "${deb}" && -f "${deb}" ]] || { echo "systemd-e2e: no .deb; run 'mvn -B package' first" >&2; exit 1; }
deb="$(readlink -f "${deb}")"

suite="${SUITE:-bookworm}"
cache="${STATIOND_E2E_CACHE:-/var/cache/stationd-e2e}"
if ! command -v systemd-nspawn >/dev/null || ! command -v mmdebstrap >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -qq && apt-get install -y -qq systemd-container mmdebstrap) >/dev/null 2>&1 \
        || skip "cannot install systemd-container and mmdebstrap"
fi
command -v python3 >/dev/null || skip "python3 is needed on the host to talk to the sockets"

work="$(mktemp -d /var/tmp/stationd-e2e.XXXXXX)"
root="${work}/root"
nspawn_pid=""
cleanup() {
    if [[ -n "${nspawn_pid}" ]] && kill -0 "${nspawn_pid}" 2>/dev/null; then
        if [[ -n "${init_pid:-}" ]]; then kill -s RTMIN+4 "${init_pid}" 2>/dev/null || true; fi  # poweroff
        for _ in $(seq 1 60); do kill -0 "${nspawn_pid}" 2>/dev/null || break; sleep 0.5; done
        kill -9 "${nspawn_pid}" 2>/dev/null || true
        wait "${nspawn_pid}" 2>/dev/null || true
    fi
    rm -rf "${work}"
}
trap cleanup EXIT

mkdir -p "${cache}" "${root}"
tarball="${cache}/${suite}-systemd-java.tar"
if [[ ! -s "${tarball}" ]]; then
    echo "systemd-e2e: building the ${suite} root (mmdebstrap, about a minute)"
    mmdebstrap --format=tar --variant=minbase --include=systemd,systemd-sysv,dbus,openjdk-17-jre-headless,procps \
        "${suite}" "${tarball}.part" >"${work}/mmdebstrap.log" 2>&1 \
        || { tail -20 "${work}/mmdebstrap.log"; skip "mmdebstrap failed (no Debian mirror?)"; }
    mv "${tarball}.part" "${tarball}"
fi
tar -C "${root}" -xf "${tarball}"
# The documentation's commands run at the root of a source tree, with the package where the build
# leaves it (not under /tmp: the container mounts a tmpfs there).
mkdir -p "${root}/root/stationd/daemon/target"
cp "${deb}" "${root}/root/stationd/daemon/target/"
# apt asks before installing; the documented command is run as it is, so say yes here
echo 'APT::Get::Assume-Yes "true";' > "${root}/etc/apt/apt.conf.d/90stationd-e2e"
# No getty on the console: the container only runs services.
ln -sf /dev/null "${root}/etc/systemd/system/console-getty.service"

# --private-network: the neighbour entries the test adds are the container's, never the CI host's.
systemd-nspawn -D "${root}" --boot --register=no --keep-unit --console=pipe --private-network \
    >"${work}/console.log" 2>&1 </dev/null &
nspawn_pid=$!
init_pid=""
for _ in $(seq 1 100); do
    for c in $(pgrep -P "${nspawn_pid}" || true); do
        if [[ "$(cat "/proc/${c}/comm" 2>/dev/null)" = systemd ]]; then init_pid="${c}"; fi
    done
    [[ -n "${init_pid}" ]] && break
    kill -0 "${nspawn_pid}" 2>/dev/null || { cat "${work}/console.log"; skip "systemd-nspawn could not start the container here"; }
    sleep 0.2
done
[[ -n "${init_pid}" ]] || { cat "${work}/console.log"; skip "the container's systemd did not appear"; }
ct() { nsenter -t "${init_pid}" -a -- "$@"; }
for _ in $(seq 1 300); do   # systemd's private bus socket appears once it is up
    [[ -S "/proc/${init_pid}/root/run/systemd/private" ]] && break
    kill -0 "${nspawn_pid}" 2>/dev/null || break
    sleep 0.2
done
state="$(ct timeout 120 systemctl is-system-running --wait 2>/dev/null || true)"
echo "systemd-e2e: container systemd (host pid ${init_pid}) is ${state}"

pass=0
fail=0
check() { # description, command...
    local what="$1"; shift
    if "$@"; then pass=$((pass + 1)); echo "ok   ${what}"; else fail=$((fail + 1)); echo "FAIL ${what}"; fi
}
# The blocks of the documentation marked <!-- docs-test: systemd-e2e LABEL --> (DocsIT checks that
# every such label is run here), each followed by a line "#--".
docs_blocks() { # docs_blocks LABEL
    awk -v label="$1" '
        /^<!-- docs-test: systemd-e2e / { marked = ($4 == label); next }
        marked && !inside && /^```/ { inside = 1; next }
        inside && /^```[[:space:]]*$/ { inside = 0; marked = 0; print "#--"; next }
        inside { print; next }
        NF { marked = 0 }' README.md docs/*.md systemd/README.md
}
# Runs each documented block of LABEL in the container as root, at the source tree's root,
# exactly as printed but for a leading "sudo " (there is no sudo in the container).
run_docs_blocks() { # run_docs_blocks LABEL
    local label="$1" n=0 block=""
    while IFS= read -r line; do
        if [[ "${line}" == "#--" ]]; then
            n=$((n + 1))
            check "documented '${label}' commands (block ${n}): $(printf '%s' "${block}" | tr '\n' ';')" \
                ct sh -ec "cd /root/stationd && ${block}"
            block=""
        else
            block+="${line#sudo }"$'\n'
        fi
    done < <(docs_blocks "${label}")
    [[ "${n}" -gt 0 ]] || check "documented '${label}' commands found in the documentation" false
}
# Talks to the container's sockets from the host through /proc/PID/root (path sockets ignore netns).
sock_dir="/proc/${init_pid}/root/run/stationd"
client() { # ping | list | ingest | ingest30 (30 more stations) | ipv4 (of the ingested station)
    python3 - "$1" "${sock_dir}" <<'PY'
import socket, struct, sys, time
what, d = sys.argv[1], sys.argv[2]
def cmd(c):
    return struct.pack("=IHHII6sHII16s16s", 0x53544344, 1, c, 1, 0, bytes(6), 0, 0, 0, b"", bytes(16))
if what in ("ingest", "ingest30"):
    now = int(time.time() * 1000)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    macs = [bytes.fromhex("020000000e2e")] if what == "ingest" else [bytes.fromhex("020000000f%02x" % i) for i in range(30)]
    for mac in macs:
        ifname, ssid = (b"wlan0", b"e2e") if what == "ingest" else (b"wlan9", b"zc")
        sta = struct.pack("=6sH4sI16s16s33sbBBIIIQQQQQQ32s", mac, 0,
                          bytes(4), 1, bytes(16), ifname, ssid, -40, 2, 0, 7, 1, 1, 0, 0, 0, 0, now, now, b"e2e")
        s.sendto(struct.pack("=IHHII", 0x53544556, 1, 1, 1, 0) + sta, d + "/events.sock")
    sys.exit(0)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(d + "/stationd.sock")
s.sendall(cmd(7 if what == "ping" else 1))
data = b""
while len(data) < 4:
    data += s.recv(4096)
if what == "ping":
    sys.exit(0 if data[:4] == b"ACK\0" else 1)
n = struct.unpack("=i", data[:4])[0]
while len(data) < 4 + 176 * max(n, 0):
    data += s.recv(65536)
if what == "ipv4":
    for i in range(n):
        rec = data[4 + 176 * i:4 + 176 * (i + 1)]
        if rec[:6] == bytes.fromhex("020000000e2e"):
            print(socket.inet_ntoa(rec[8:12]))
    sys.exit(0)
print(n)
PY
}

export DEBIAN_FRONTEND=noninteractive
run_docs_blocks install     # apt install ./daemon/target/stationd_*_all.deb, enable the socket
check "package installed" ct dpkg -s stationd
check "systemd-analyze verify of the installed units" ct sh -c 'out=$(systemd-analyze verify stationd.socket stationd-ingest.socket stationd-netlink.socket stationd-metrics.socket stationd.service 2>&1); echo "$out"; test -z "$out"'
check "stationd.socket starts (and stationd-ingest.socket with it)" ct systemctl start stationd.socket
check "stationd-ingest.socket is listening" ct systemctl is-active -q stationd-ingest.socket
check "stationd.service not yet running (socket activation)" ct sh -c '! systemctl is-active -q stationd.service'
check "ingest datagram through /run/stationd/events.sock" client ingest
check "PING through /run/stationd/stationd.sock (activates the service)" client ping
# The command socket answers as soon as it is registered; READY=1 (and with it "active") follows a
# moment later, once the ingest socket and the sd_notify channel are set up: wait for it (10 s).
await_active() { ct sh -c 'for i in $(seq 100); do systemctl is-active -q stationd.service && exit 0; sleep 0.1; done; exit 1'; }
check "stationd.service is active" await_active
one_station() { test "$(client list)" = 1; }
check "the datagram that started it was not lost" one_station
mainpid="$(ct systemctl show -P MainPID stationd.service)"
check "main process is the JVM (pid ${mainpid})" ct sh -c "grep -q java /proc/${mainpid}/comm || grep -q 'stationd.jar' /proc/${mainpid}/cmdline"
check "runs as user stationd" ct sh -c "test \"\$(stat -c %U /proc/${mainpid})\" = stationd"
check "hardened: NoNewPrivs, seccomp, no capabilities" ct sh -c "grep -q '^NoNewPrivs:[[:space:]]*1' /proc/${mainpid}/status && grep -q '^Seccomp:[[:space:]]*2' /proc/${mainpid}/status && grep -q '^CapEff:[[:space:]]*0000000000000000' /proc/${mainpid}/status"
# A full list of 24 stations or more goes out of a sealed memory file: memfd_create and sendfile
# must pass the unit's system call filter (else the daemon copies the table, and says so).
check "30 more stations through the ingest socket" client ingest30
lists() { local i; for i in $(seq 100); do test "$(client list)" = "$1" && return 0; sleep 0.1; done; return 1; } # within 10 s
check "a full list of 31 stations" lists 31
check "that list came from a memory file (memfd_create allowed)" ct sh -c "ls -l /proc/${mainpid}/fd | grep -q 'memfd:stationd-table'"
check "status text from STATUS=" ct sh -c "systemctl show -P StatusText stationd.service | grep -q 'stations'"
check "watchdog pings arrive" ct sh -c 'sleep 1; test -n "$(systemctl show -P WatchdogTimestampMonotonic stationd.service | grep -v "^0$")"'
check "start line in the journal at priority info" ct sh -c "journalctl -u stationd.service -p info..info --no-pager -o cat | grep -q 'stationd .* started: '"
check "no timestamps in journal messages" ct sh -c "! journalctl -u stationd.service --no-pager -o cat | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'"
run_docs_blocks reload      # systemctl reload stationd (docs/operations.md and systemd/README.md)
check "still active after reload" ct systemctl is-active -q stationd.service
# journald takes the daemon's stderr line asynchronously: it can arrive after systemd's own
# "Reloaded" line, so wait for it (10 s deadline).
check "reload logged" ct sh -c "for i in \$(seq 100); do journalctl -u stationd.service --no-pager -o cat | grep -q 'configuration reloaded' && exit 0; sleep 0.1; done; exit 1"
check "still answering after reload" client ping
check "same process after reload" ct sh -c "test \"\$(systemctl show -P MainPID stationd.service)\" = ${mainpid}"
run_docs_blocks logs        # journalctl -u stationd ...
# The drop-in of docs/hostapd.md (stationd joins hostapd's control socket group), as
# 'systemctl edit stationd' would write it; netdev stands for hostapd's group.
drop_in() {
    ct groupadd -f netdev &&
    docs_blocks drop-in | sed '/^#--$/d' | ct sh -c 'mkdir -p /etc/systemd/system/stationd.service.d && cat > /etc/systemd/system/stationd.service.d/override.conf' &&
    ct grep -qx 'SupplementaryGroups=netdev' /etc/systemd/system/stationd.service.d/override.conf &&
    ct systemctl daemon-reload && ct systemctl restart stationd.service && await_active &&
    ct sh -c 'gid=$(getent group netdev | cut -d: -f3); pid=$(systemctl show -P MainPID stationd.service); grep -Eq "^Groups:.*(^|[[:space:]])${gid}([[:space:]]|$)" /proc/${pid}/status'
}
check "the drop-in of docs/hostapd.md gives the service hostapd's group" drop_in
check "still answering after the drop-in" client ping
check "systemctl stop stationd" ct systemctl stop stationd.service
check "stopped cleanly (exit 0, result success)" ct sh -c 'test "$(systemctl show -P Result stationd.service)" = success && test "$(systemctl show -P ExecMainStatus stationd.service)" = 0'
check "socket files stay with the socket unit" ct test -S /run/stationd/stationd.sock -a -S /run/stationd/events.sock
check "next query re-activates the service" client ping
check "active again" await_active
# Address learning from the neighbour table (optional stationd-netlink.socket): systemd creates the
# netlink socket in the container's network namespace and passes it in; the service itself runs
# with PrivateNetwork=yes and RestrictAddressFamilies=AF_UNIX. The entries are added in the
# container's namespace with the host's iproute2 (nsenter -n).
ctnet() { nsenter -t "${init_pid}" -n -- "$@"; }
check "a LAN interface in the container's namespace" ctnet ip link add br-lan type veth peer name lan1
check "LAN interface up" sh -c "nsenter -t ${init_pid} -n -- ip link set br-lan up && nsenter -t ${init_pid} -n -- ip link set lan1 up"
check "enrich.neighbours on in /etc/stationd/stationd.yaml" ct sh -c 'printf "enrich:\n  neighbours: true\n  interfaces: [br-lan]\n" >> /etc/stationd/stationd.yaml'
run_docs_blocks netlink     # stop the service, enable --now stationd-netlink.socket, start (docs/enrichment.md)
check "stationd-netlink.socket is listening" ct systemctl is-active -q stationd-netlink.socket
check "active with address learning" await_active
check "the netlink socket came from systemd" ct sh -c "journalctl -u stationd.service --no-pager -o cat | grep -q 'the neighbour table (netlink socket from systemd)'"
check "the service still has a network namespace of its own" ct sh -c 'test "$(readlink /proc/$(systemctl show -P MainPID stationd.service)/ns/net)" != "$(readlink /proc/1/ns/net)"'
check "station (without an address) sent again" client ingest
await_ipv4() { # expected address
    for _ in $(seq 100); do [[ "$(client ipv4)" = "$1" ]] && return 0; sleep 0.1; done
    echo "ipv4 is '$(client ipv4)', expected $1"; return 1
}
check "station listed without an address" await_ipv4 0.0.0.0
check "ip neigh add in the container's namespace" ctnet ip neigh add 10.9.0.46 lladdr 02:00:00:00:0e:2e dev br-lan nud permanent
check "ipv4 learned from the neighbour entry" await_ipv4 10.9.0.46
check "ip neigh del" ctnet ip neigh del 10.9.0.46 dev br-lan
check "ipv4 gone with the entry" await_ipv4 0.0.0.0
# ---- Metrics through the optional stationd-metrics.socket: systemd listens on 127.0.0.1:9089 in
# the container's network; the service keeps PrivateNetwork=yes and RestrictAddressFamilies=AF_UNIX.
eventually() { # command...: succeeds within 10 s
    local i
    for i in $(seq 100); do "$@" && return 0; sleep 0.1; done
    return 1
}
# GET /metrics from inside the container's network namespace (the host's python3 entered into it).
scrape() {
    nsenter -t "${init_pid}" -n python3 - <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", 9089), timeout=30)
s.sendall(b"GET /metrics HTTP/1.0\r\nHost: ap\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, _, body = data.partition(b"\r\n\r\n")
if not head.startswith(b"HTTP/1.1 200 "):
    sys.exit("GET /metrics: " + head.split(b"\r\n")[0].decode(errors="replace"))
sys.stdout.write(body.decode())
PY
}
serves() { scrape 2>/dev/null | grep -qxF "$1"; }
check "stationd-metrics.socket is disabled after installation" ct sh -c '! systemctl is-enabled -q stationd-metrics.socket'
# systemctl stop stationd; systemctl enable --now stationd-metrics.socket; systemctl start stationd
# (docs/metrics.md: systemd refuses to start the socket unit while the service runs)
run_docs_blocks metrics-socket
check "active again with the metrics socket" await_active
check "the daemon serves the socket from systemd" eventually ct sh -c "journalctl -u stationd.service --no-pager -o cat | grep -q 'metrics: serving GET /metrics on http://127.0.0.1:9089 (socket from systemd)'"
mainpid="$(ct systemctl show -P MainPID stationd.service)"
check "the service still has no network of its own (PrivateNetwork=yes)" ct sh -c "test \"\$(readlink /proc/${mainpid}/ns/net)\" != \"\$(readlink /proc/1/ns/net)\""
check "its sandbox still allows AF_UNIX only" ct sh -c 'test "$(systemctl show -P RestrictAddressFamilies stationd.service)" = AF_UNIX'
# The filter is in force for new sockets: the same property makes socket(AF_INET) fail, so what
# the daemon does on the inherited socket (accept) needs no AF_INET.
check "RestrictAddressFamilies=AF_UNIX refuses a new AF_INET socket" ct sh -c "! systemd-run --quiet --wait --pipe -p User=stationd -p RestrictAddressFamilies=AF_UNIX bash -c 'exec 3<>/dev/tcp/127.0.0.1/9089' 2>/dev/null"
check "without it the same connect works" ct systemd-run --quiet --wait --pipe -p User=stationd bash -c 'exec 3<>/dev/tcp/127.0.0.1/9089'
check "systemd-analyze security exposure still 0.5" ct sh -c 'systemd-analyze security stationd.service 2>/dev/null | grep -q "Overall exposure level for stationd.service: 0.5 "'
check "ingest datagram for the scrape" client ingest
check "GET /metrics from inside the container: build info" eventually serves 'stationd_build_info{version="0.1.0"} 1'
check "GET /metrics: the ingested station under its BSS" eventually serves 'stationd_stations{band="5GHz",group="1",ifname="wlan0",ssid="e2e"} 1.0'
check "systemctl stop stationd (the metrics socket stays with systemd)" ct systemctl stop stationd.service
check "a scrape starts the stopped service and is answered" eventually serves 'stationd_build_info{version="0.1.0"} 1'
check "active after the scrape" await_active
check "dpkg -r in the container" ct sh -c 'dpkg -r stationd >/tmp/dpkg-r.log 2>&1 || { cat /tmp/dpkg-r.log; false; }'
check "service gone after dpkg -r" ct sh -c '! systemctl is-active -q stationd.service'
no_listener() { ! scrape >/dev/null 2>&1; }
check "nothing listens on 9089 after dpkg -r" no_listener

if [[ "${fail}" != 0 ]]; then
    echo "---- journal of stationd ----"; ct journalctl -u stationd.service -u stationd.socket --no-pager | tail -50 || true
fi
echo "systemd-e2e: ${pass} passed, ${fail} failed"
[[ "${fail}" = 0 ]]
