#!/usr/bin/env bash
# Installs the built stationd .deb on this (Debian) machine, checks what it put where, verifies
# the installed units, and removes it again. Needs root and a prior `mvn -B package`.
# Usage: .ci/deb-test.sh [path/to/stationd_<version>_all.deb]
set -euo pipefail
cd "$(dirname "$0")/.."

deb="${1:-$(ls daemon/target/stationd_*_all.deb 2>/dev/null | sed -n 1p)}"
if [[ -z "${deb}" || ! -f "${deb}" ]]; then
    echo "deb-test: no daemon/target/stationd_*_all.deb; run 'mvn -B package' first" >&2
    exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "deb-test: SKIPPED (needs root for dpkg -i)"
    exit 0
fi
if ! command -v dpkg >/dev/null; then
    echo "deb-test: SKIPPED (not a dpkg system)"
    exit 0
fi
pass=0
fail=0
check() { # description, command...
    local what="$1"; shift
    if "$@"; then pass=$((pass + 1)); echo "ok   ${what}"; else fail=$((fail + 1)); echo "FAIL ${what}"; fi
}

if dpkg -s stationd >/dev/null 2>&1; then
    echo "deb-test: stationd is already installed; refusing to touch it" >&2
    exit 1
fi
# Dependencies (a Java runtime, procps): install them when missing, then the package itself.
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "${deb}"; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq -f >/dev/null
fi
check "package installed" dpkg -s stationd
status="$(dpkg-query -W -f='${Status}' stationd 2>/dev/null || true)"
check "status is 'install ok installed' (${status})" test "${status}" = "install ok installed"
check "launcher /usr/sbin/stationd installed, executable" test -x /usr/sbin/stationd
for f in /usr/share/stationd/stationd.jar /usr/share/stationd/jvm.options /usr/lib/systemd/system/stationd.service \
         /usr/lib/systemd/system/stationd.socket /usr/lib/systemd/system/stationd-ingest.socket \
         /usr/lib/systemd/system/stationd-netlink.socket \
         /usr/lib/systemd/system/stationd-metrics.socket /usr/share/doc/stationd/metrics.md \
         /usr/lib/sysusers.d/stationd.conf \
         /usr/lib/tmpfiles.d/stationd.conf /etc/stationd/stationd.yaml \
         /usr/lib/stationd/libnetty_transport_native_epoll_x86_64.so \
         /usr/lib/stationd/libnetty_transport_native_epoll_aarch_64.so; do
    check "${f} installed" test -f "${f}"
done
check "conffile registered" sh -c "dpkg-query -W -f='\${Conffiles}' stationd | grep -q /etc/stationd/stationd.yaml"
check "user stationd created" getent passwd stationd
check "group stationd created" getent group stationd
check "/var/lib/stationd created" test -d /var/lib/stationd
if command -v systemd-analyze >/dev/null; then
    out="$(SYSTEMD_COLORS=0 systemd-analyze verify /usr/lib/systemd/system/stationd.socket \
        /usr/lib/systemd/system/stationd-ingest.socket /usr/lib/systemd/system/stationd-netlink.socket \
        /usr/lib/systemd/system/stationd-metrics.socket \
        /usr/lib/systemd/system/stationd.service 2>&1)" && rc=0 || rc=$?
    echo "${out}"
    check "systemd-analyze verify of the installed units (rc=${rc}, no messages)" test "${rc}" = 0 -a -z "${out}"
fi
check "class-data archive built at install" test -s /var/cache/stationd/stationd.jsa
check "the archive fits the installed java (-Xshare:on fails on an unusable one)" sh -c \
    "STATIOND_JAVA_OPTS=-Xshare:on /usr/sbin/stationd --version | grep -q stationd"
check "the unit's command (the launcher) starts the daemon (--version)" sh -c "/usr/sbin/stationd --version | grep -q stationd"
# the launcher execs java (the PID systemd watches is the JVM) with the flags of jvm.options, the
# JNI libraries and the archive
native_work=$(mktemp -d)
printf 'server:\n  socket: s.sock\ningest:\n  socket: e.sock\nstate:\n  directory: state\n' > "${native_work}/t.yaml"
launcher_execs_java() {
    local pid ok=1
    /usr/sbin/stationd --config "${native_work}/t.yaml" > "${native_work}/exec.log" 2>&1 &
    pid=$!
    for _ in $(seq 300); do [[ -S "${native_work}/s.sock" ]] && break; kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
    tr '\0' '\n' < "/proc/${pid}/cmdline" > "${native_work}/cmdline" || ok=0
    [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" = java ]] || ok=0
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
    grep -qx '@/usr/share/stationd/jvm.options' "${native_work}/cmdline" || ok=0
    grep -qx -- '-Djava.library.path=/usr/lib/stationd' "${native_work}/cmdline" || ok=0
    grep -qx -- '-XX:SharedArchiveFile=/var/cache/stationd/stationd.jsa' "${native_work}/cmdline" || ok=0
    [[ "${ok}" = 1 ]] || { cat "${native_work}/cmdline" "${native_work}/exec.log"; false; }
}
check "the launcher execs java with jvm.options, /usr/lib/stationd and the archive" launcher_execs_java
# a complete start through the launcher loads Netty's JNI library from /usr/lib/stationd: nothing
# is copied into Netty's work directory (it would be, and kept there, without the library path)
check "the launcher starts completely, JNI library loaded in place (--exit-after-start)" sh -c \
    "cd ${native_work} && rm -f s.sock e.sock && mkdir work && STATIOND_JAVA_OPTS='-Dio.netty.native.workdir=${native_work}/work -Dio.netty.native.deleteLibAfterLoading=false' \
        /usr/sbin/stationd --config t.yaml --exit-after-start >/dev/null 2>&1 && test -z \"\$(ls -A work)\""
check "the launcher's daemon reads the ingest socket in batches (libstationd_ingest)" sh -c \
    "cd ${native_work} && /usr/sbin/stationd --config t.yaml --exit-after-start > batched.log 2>&1 \
     && grep -q 'ingest socket read in batches' batched.log"
rm -rf "${native_work}"
check "packaged config is valid" sh -c "/usr/sbin/stationd --check-config --config /etc/stationd/stationd.yaml >/dev/null"
check "dpkg -r" dpkg -r stationd
check "jar removed" test ! -e /usr/share/stationd/stationd.jar
check "class-data archive removed" test ! -e /var/cache/stationd/stationd.jsa
check "units removed" test ! -e /usr/lib/systemd/system/stationd.service
check "launcher removed" test ! -e /usr/sbin/stationd
check "conffile kept after remove" test -f /etc/stationd/stationd.yaml
check "dpkg -P" dpkg -P stationd
check "conffile gone after purge" test ! -e /etc/stationd/stationd.yaml
echo "deb-test: ${pass} passed, ${fail} failed"
[[ "${fail}" = 0 ]]
