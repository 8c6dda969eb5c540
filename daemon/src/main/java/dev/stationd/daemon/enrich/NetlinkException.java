package dev.stationd.daemon.enrich;

import java.io.IOException;

/** A failed netlink system call, with its {@code errno}. */
final class NetlinkException extends IOException {
    /** {@code ENOBUFS}: the kernel dropped messages. */
    static final int ENOBUFS = 105;
    /** {@code EAFNOSUPPORT}: the address family is not allowed (seccomp) or not built. */
    static final int EAFNOSUPPORT = 97;
    /** {@code EPERM}. */
    static final int EPERM = 1;

    private final int errno;

    NetlinkException(int errno, String what) {
        super(what + ": errno " + errno);
        this.errno = errno;
    }

    /** @return the error number */
    int errno() {
        return errno;
    }
}
