#!/bin/sh
# Builds libstationd_ingest_<arch>.so from every .c file here (the batched ingest reader,
# stationd_ingest.c; the rtnetlink socket of address learning, stationd_netlink.c; a peer's groups,
# stationd_peer.c; malloc settings, stationd_memory.c) into OUT_DIR.
# Usage: build.sh JAVA_HOME OUT_DIR ARCH        (run by 'mvn package'; ARCH is Java's os.arch)
# Without a working C compiler it only says so (and leaves no stale library behind): the daemon
# then reads the ingest socket through Netty and refuses enrich.neighbours. NativeIngestIT fails when
# gcc is there but this did not build.
set -u
java_home=$1
out=$2
arch=$3
cc=${CC:-gcc}
set -- "$(dirname "$0")"/*.c
lib=$out/libstationd_ingest_$arch.so
mkdir -p "$out"
rm -f "$lib"
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "[stationd] no C compiler ($cc): libstationd_ingest not built; the daemon reads the ingest socket through Netty"
    exit 0
fi
if ! "$cc" -O2 -fPIC -shared -Wall -Wextra -Werror -I"$java_home/include" -I"$java_home/include/linux" -o "$lib" "$@"; then
    rm -f "$lib"
    echo "[stationd] WARNING: $cc could not build libstationd_ingest (see above); the daemon reads the ingest socket through Netty"
fi
exit 0
