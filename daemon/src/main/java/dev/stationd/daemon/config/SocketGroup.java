package dev.stationd.daemon.config;

import java.util.OptionalInt;

/** A {@code socket_group} value: as written, and resolved ({@code ""} and empty = leave). */
record SocketGroup(String spec, OptionalInt gid) {
    static final SocketGroup LEAVE = new SocketGroup("", OptionalInt.empty());
}
