package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;

/**
 * The daemon's own knowledge of {@code ipv4}, {@code ipv6} and {@code hostname} per MAC, read by
 * {@link StationTable} <b>under its lock</b>: an implementation must answer from memory without
 * blocking or locking (a concurrent map), and never call back into the table.
 */
@FunctionalInterface
public interface LearnedFields {
    /**
     * @param mac a station's MAC (also one that is not, or no longer, in the table)
     * @return what is known about it, or {@code null} when nothing is
     */
    Learned get(MacAddress mac);
}
