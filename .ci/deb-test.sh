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
for f in /usr/share/stationd/stationd.jar /usr/share/stationd/jvm.options /usr/lib/systemd/system/stationd.service \
         /usr/lib/systemd/system/stationd.socket /usr/lib/systemd/system/stationd-ingest.socket \
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
        /usr/lib/systemd/system/stationd-ingest.socket /usr/lib/systemd/system/stationd.service 2>&1)" && rc=0 || rc=$?
    echo "${out}"
    check "systemd-analyze verify of the installed units (rc=${rc}, no messages)" test "${rc}" = 0 -a -z "${out}"
fi
check "class-data archive built at install" test -s /var/cache/stationd/stationd.jsa
check "the unit's java command line starts the daemon (--version)" sh -c "java @/usr/share/stationd/jvm.options -Djava.library.path=/usr/lib/stationd -XX:SharedArchiveFile=/var/cache/stationd/stationd.jsa -jar /usr/share/stationd/stationd.jar --version | grep -q stationd"
# a complete start with the unit's flags loads Netty's JNI library from /usr/lib/stationd: nothing
# is copied into Netty's work directory (it would be, and kept there, without the library path)
native_work=$(mktemp -d)
check "the unit's java command line starts completely, JNI library loaded in place (--exit-after-start)" sh -c \
    "cd ${native_work} && printf 'server:\n  socket: s.sock\ningest:\n  socket: e.sock\nstate:\n  directory: state\n' > t.yaml \
     && mkdir work && java @/usr/share/stationd/jvm.options -Djava.library.path=/usr/lib/stationd \
        -Dio.netty.native.workdir=${native_work}/work -Dio.netty.native.deleteLibAfterLoading=false \
        -XX:SharedArchiveFile=/var/cache/stationd/stationd.jsa -jar /usr/share/stationd/stationd.jar \
        --config t.yaml --exit-after-start >/dev/null 2>&1 && test -z \"\$(ls -A work)\""
check "the unit's java command line reads the ingest socket in batches (libstationd_ingest)" sh -c \
    "cd ${native_work} && java @/usr/share/stationd/jvm.options -Djava.library.path=/usr/lib/stationd \
        -jar /usr/share/stationd/stationd.jar --config t.yaml --exit-after-start > batched.log 2>&1 \
     && grep -q 'ingest socket read in batches' batched.log"
rm -rf "${native_work}"
check "packaged config is valid" sh -c "java -jar /usr/share/stationd/stationd.jar --check-config --config /etc/stationd/stationd.yaml >/dev/null"
check "dpkg -r" dpkg -r stationd
check "jar removed" test ! -e /usr/share/stationd/stationd.jar
check "class-data archive removed" test ! -e /var/cache/stationd/stationd.jsa
check "units removed" test ! -e /usr/lib/systemd/system/stationd.service
check "conffile kept after remove" test -f /etc/stationd/stationd.yaml
check "dpkg -P" dpkg -P stationd
check "conffile gone after purge" test ! -e /etc/stationd/stationd.yaml
echo "deb-test: ${pass} passed, ${fail} failed"
[[ "${fail}" = 0 ]]
