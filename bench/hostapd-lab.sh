#!/usr/bin/env bash
# A real hostapd without Wi-Fi hardware, for the benchmark's W8 sanity point: hostapd driver=wired
# with its integrated EAP server on one end of a veth pair in a network namespace of its own;
# stations are private macvlans on the other end (a second namespace), each with its own
# wpa_supplicant -D wired doing 802.1X EAP-MD5. hostapd answers each station at its own MAC
# (use_pae_group_addr=0), so logins do not disturb each other. Nothing touches the host's network
# namespace. Needs root, ip, hostapd, hostapd_cli, wpa_supplicant and wpa_cli.
#
#   bash bench/hostapd-lab.sh up DIR N         # hostapd + N authorized stations; control socket DIR/hostapd/wlan0
#   bash bench/hostapd-lab.sh cycle DIR N K    # K times: the stations log off (AP-STA-DISCONNECTED), then on again (AP-STA-CONNECTED)
#   bash bench/hostapd-lab.sh down DIR         # stops everything, removes the namespaces
#
# On failure the last line of the output says why.
set -euo pipefail

cmd=${1:-}
DIR=${2:-}
[[ -n $cmd && -n $DIR ]] || { sed -n '2,13p' "$0"; exit 64; }
AP_IF=wlan0

fail() { echo "hostapd-lab: $*"; exit 1; }
ns_names() { # names derived from DIR, so that several labs can run at once
    local tag
    tag=sdb$(printf '%s' "$DIR" | cksum | cut -c1-6)
    AP_NS=${tag}ap STA_NS=${tag}sta
}
cli() { hostapd_cli -p "$DIR/hostapd" -i $AP_IF "$@" 2>/dev/null; }
authorized() { cli sta "$(mac "$1")" | grep -q 'AUTHORIZED'; }
mac() { printf '02:5d:00:00:00:%02x' "$1"; }
await() { # await SECONDS CMD...: until CMD succeeds
    local end=$(( $(date +%s%N) + $1 * 1000000000 ))
    shift
    until "$@"; do
        (( $(date +%s%N) < end )) || return 1
        sleep 0.02
    done
}

case $cmd in
up)
    N=${3:-4}
    [[ $(id -u) == 0 ]] || fail "needs root (ip netns)"
    for t in ip hostapd hostapd_cli wpa_supplicant wpa_cli; do
        command -v $t >/dev/null || fail "needs $t (apt-get install hostapd wpasupplicant iproute2)"
    done
    ns_names
    mkdir -p "$DIR/wpa"
    ip netns add "$AP_NS" || fail "cannot create a network namespace"
    ip netns add "$STA_NS"
    ip link add ap0 netns "$AP_NS" type veth peer name sta0 netns "$STA_NS"
    ip -n "$AP_NS" link set ap0 name $AP_IF
    ip -n "$AP_NS" link set $AP_IF up
    ip -n "$STA_NS" link set sta0 up
    echo '"user" MD5 "password"' > "$DIR/eap_user"
    cat > "$DIR/hostapd.conf" <<EOF
interface=$AP_IF
driver=wired
ctrl_interface=$DIR/hostapd
ieee8021x=1
eap_server=1
eap_user_file=$DIR/eap_user
ssid=stationd-bench
use_pae_group_addr=0
logger_stdout=-1
logger_stdout_level=1
EOF
    cat > "$DIR/wpa.conf" <<EOF
ctrl_interface=$DIR/wpa
ap_scan=0
network={
  key_mgmt=IEEE8021X
  eap=MD5
  identity="user"
  password="password"
  eapol_flags=0
}
EOF
    # -t -f: every line of the log carries the time hostapd wrote it (events: just before it sends them)
    ip netns exec "$AP_NS" hostapd -B -t -P "$DIR/hostapd.pid" -f "$DIR/hostapd.log" "$DIR/hostapd.conf" >/dev/null \
        || fail "hostapd did not start: $(tail -1 "$DIR/hostapd.log" 2>/dev/null)"
    await 10 cli ping >/dev/null || fail "hostapd does not answer PING"
    for i in $(seq "$N"); do
        ip -n "$STA_NS" link add link sta0 name "st$i" address "$(mac "$i")" type macvlan mode private
        ip -n "$STA_NS" link set "st$i" up
        ip netns exec "$STA_NS" wpa_supplicant -B -D wired -i "st$i" -c "$DIR/wpa.conf" -P "$DIR/wpa-$i.pid" \
            -f "$DIR/wpa-$i.log"
    done
    for i in $(seq "$N"); do
        await 20 authorized "$i" || fail "station $i not authorized: $(tail -1 "$DIR/wpa-$i.log")"
    done
    echo "hostapd-lab: $N stations authorized on $DIR/hostapd/$AP_IF"
    ;;
cycle)
    # all stations at once: log off, wait until hostapd has dropped them (it deauthenticates a
    # logged-off station about 5 s later; a logon before that is lost), log on, wait until authorized
    N=${3:-4} K=${4:-1}
    gone() { [[ $(cli sta "$(mac "$1")" | head -1) == FAIL* ]]; }
    for _ in $(seq "$K"); do
        for i in $(seq "$N"); do wpa_cli -p "$DIR/wpa" -i "st$i" logoff >/dev/null; done
        for i in $(seq "$N"); do await 15 gone "$i" || fail "station $i was not dropped after logging off"; done
        for i in $(seq "$N"); do wpa_cli -p "$DIR/wpa" -i "st$i" logon >/dev/null; done
        for i in $(seq "$N"); do await 20 authorized "$i" || fail "station $i not authorized again"; done
    done
    echo "hostapd-lab: $K cycles of $N stations"
    ;;
down)
    ns_names
    for p in "$DIR"/wpa-*.pid "$DIR/hostapd.pid"; do
        [[ -f $p ]] && kill "$(cat "$p")" 2>/dev/null || true
    done
    ip netns del "$STA_NS" 2>/dev/null || true
    ip netns del "$AP_NS" 2>/dev/null || true
    ;;
*)
    fail "unknown command $cmd"
    ;;
esac
