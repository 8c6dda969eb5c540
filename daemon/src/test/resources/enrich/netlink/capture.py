#!/usr/bin/env python3
"""Captures what the kernel sends on a NETLINK_ROUTE socket, as hex, one datagram per line.

Run as root: python3 capture.py OUT_DIR. It creates a network namespace with a veth pair, puts
known neighbour entries on it, and writes:
  neigh-dump.hex    the reply datagrams to RTM_GETNEIGH (NLM_F_DUMP)
  neigh-events.hex  the RTMGRP_NEIGH events of: add, change to STALE, probe failing, delete
  link-dump.hex     the reply datagrams to RTM_GETLINK (NLM_F_DUMP)
"""
import os, socket, struct, subprocess, sys, time

NS = "stationd-nlcap"
RTMGRP_LINK, RTMGRP_NEIGH = 1, 4

def ip(*args):
    subprocess.run(["ip"] + list(args), check=True)

def sock(groups):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, groups))
    s.settimeout(1.0)
    return s

def dump(s, msg_type, body):
    hdr = struct.pack("=IHHII", 16 + len(body), msg_type, 0x1 | 0x300, 1, 0)
    s.send(hdr + body)
    out = []
    while True:
        d = s.recv(65536)
        out.append(d)
        at = 0
        while at + 16 <= len(d):
            length, typ = struct.unpack_from("=IH", d, at)
            if typ == 3:  # NLMSG_DONE, alone or at the end of the last datagram
                return out
            at += (length + 3) & ~3

def drain(s, out):
    try:
        while True:
            out.append(s.recv(65536))
    except socket.timeout:
        pass

def write(path, comment, datagrams):
    with open(path, "w") as f:
        f.write("# " + comment + "\n")
        for d in datagrams:
            f.write(d.hex() + "\n")

def main(out_dir):
    if os.environ.get("CAPTURE_INSIDE") != NS:  # run again inside a namespace of its own
        subprocess.run(["ip", "netns", "add", NS], check=True)
        try:
            subprocess.run(["ip", "netns", "exec", NS, sys.executable, __file__, out_dir], check=True,
                           env=dict(os.environ, CAPTURE_INSIDE=NS))
        finally:
            subprocess.run(["ip", "netns", "del", NS])
        return
    if True:
        ip("link", "add", "lan0", "type", "veth", "peer", "name", "lan1")
        ip("link", "set", "lan0", "up")
        ip("link", "set", "lan1", "up")
        ip("addr", "add", "10.9.0.1/24", "dev", "lan0")
        ip("neigh", "add", "10.9.0.5", "lladdr", "02:5d:00:00:00:05", "dev", "lan0", "nud", "reachable")
        ip("neigh", "add", "10.9.0.6", "lladdr", "02:5d:00:00:00:06", "dev", "lan0", "nud", "stale")
        ip("neigh", "add", "fd09::6", "lladdr", "02:5d:00:00:00:06", "dev", "lan0", "nud", "stale")
        ip("neigh", "add", "fe80::6", "lladdr", "02:5d:00:00:00:06", "dev", "lan0", "nud", "reachable")
        ip("neigh", "add", "10.9.0.8", "lladdr", "02:5d:00:00:00:08", "dev", "lan0", "nud", "permanent")
        time.sleep(0.2)
        s = sock(0)
        write(os.path.join(out_dir, "neigh-dump.hex"),
              "RTM_GETNEIGH dump: 10.9.0.5 REACHABLE/02:5d:00:00:00:05, 10.9.0.6 STALE, fd09::6 STALE, fe80::6 "
              "REACHABLE (all 02:5d:00:00:00:06), 10.9.0.8 PERMANENT/02:5d:00:00:00:08, on lan0",
              dump(s, 30, struct.pack("=BBHiHBB", 0, 0, 0, 0, 0, 0, 0)))
        write(os.path.join(out_dir, "link-dump.hex"), "RTM_GETLINK dump: lo, lan1, lan0 (veth pair)",
              dump(s, 18, struct.pack("=BBHiII", 0, 0, 0, 0, 0, 0)))
        ev = sock(RTMGRP_NEIGH)
        events = []
        ip("neigh", "add", "10.9.0.9", "lladdr", "02:5d:00:00:00:09", "dev", "lan0", "nud", "reachable")
        ip("neigh", "change", "10.9.0.9", "lladdr", "02:5d:00:00:00:09", "dev", "lan0", "nud", "stale")
        ip("neigh", "del", "10.9.0.9", "dev", "lan0")
        # a neighbour that never answers: INCOMPLETE, then FAILED after the probes
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"?", ("10.9.0.77", 9))
        time.sleep(3.5)
        drain(ev, events)
        write(os.path.join(out_dir, "neigh-events.hex"),
              "RTMGRP_NEIGH events: add 10.9.0.9 REACHABLE 02:5d:00:00:00:09, change to STALE, delete; "
              "10.9.0.77 INCOMPLETE then FAILED (no lladdr)", events)

if __name__ == "__main__":
    main(sys.argv[1])
