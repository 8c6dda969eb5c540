#!/usr/bin/env python3
"""Test launcher: start a command the way systemd socket activation does.

usage: activate.py [--stream PATH] [--dgram PATH] [--names N1:N2] [--reverse] [--mode OCTAL] -- CMD ARGS...

Binds the requested sockets (a listening SOCK_STREAM and/or a SOCK_DGRAM, both AF_UNIX),
places them at fds 3, 4, ... (the datagram socket first with --reverse), sets LISTEN_FDS
and LISTEN_FDNAMES (and gives the socket files the permission bits of --mode, as SocketMode= does), and execs `sh -c 'LISTEN_PID=$$ exec CMD...'` so that LISTEN_PID is the
pid of the final process (sh execs CMD, keeping its pid).
"""
import fcntl
import os
import socket
import sys


def main(argv):
    stream = dgram = names = None
    reverse = False
    mode = None
    i = 0
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a == "--stream":
            stream = argv[i + 1]; i += 2
        elif a == "--dgram":
            dgram = argv[i + 1]; i += 2
        elif a == "--names":
            names = argv[i + 1]; i += 2
        elif a == "--reverse":
            reverse = True; i += 1
        elif a == "--mode":
            mode = int(argv[i + 1], 8); i += 2
        else:
            sys.exit("unknown argument " + a)
    cmd = argv[i + 1:]
    socks = []
    if stream:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(stream)
        s.listen(64)
        socks.append(s)
    if dgram:
        d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        d.bind(dgram)
        socks.append(d)
    for path in (stream, dgram):
        if path and mode is not None:
            os.chmod(path, mode)
    for path in (stream, dgram):
        if path:
            print("activate: %s inode %d" % (path, os.stat(path).st_ino), flush=True)
    if reverse:
        socks.reverse()
    # Move the sockets out of the way first, so dup2 onto 3/4 cannot clobber one of them.
    tmp = [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 20) for s in socks]
    for s in socks:
        s.close()
    for n, fd in enumerate(tmp):
        os.dup2(fd, 3 + n, inheritable=True)
    for fd in tmp:
        os.close(fd)
    env = dict(os.environ)
    env["LISTEN_FDS"] = str(len(socks))
    if names is not None:
        env["LISTEN_FDNAMES"] = names
    env.pop("LISTEN_PID", None)
    sys.stdout.flush()
    os.execvpe("sh", ["sh", "-c", 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', "sh"] + cmd, env)


if __name__ == "__main__":
    main(sys.argv[1:])
