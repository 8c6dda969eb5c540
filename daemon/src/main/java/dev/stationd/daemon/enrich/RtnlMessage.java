package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.net.InetAddress;

/** What {@link Rtnl#parse} makes of one netlink message. */
sealed interface RtnlMessage {
    /**
     * {@code RTM_NEWNEIGH} / {@code RTM_DELNEIGH} of an IPv4 or IPv6 neighbour.
     *
     * @param deleted {@code RTM_DELNEIGH}
     * @param dump part of a dump reply ({@code NLM_F_MULTI})
     * @param ifindex the interface
     * @param state {@link NudState} bits
     * @param dst the neighbour's address ({@code NDA_DST})
     * @param lladdr its link-layer address ({@code NDA_LLADDR}), null when absent or not 6 bytes
     * @param confirmedAgoMs how long ago it was last confirmed ({@code NDA_CACHEINFO}), -1 if unknown
     */
    record Neighbour(boolean deleted, boolean dump, int ifindex, int state, InetAddress dst, MacAddress lladdr,
                     long confirmedAgoMs) implements RtnlMessage {
    }

    /**
     * {@code RTM_NEWLINK} / {@code RTM_DELLINK}.
     *
     * @param deleted {@code RTM_DELLINK}
     * @param dump part of a dump reply
     * @param index the interface index
     * @param name {@code IFLA_IFNAME}
     */
    record Link(boolean deleted, boolean dump, int index, String name) implements RtnlMessage {
    }

    /**
     * {@code NLMSG_DONE}: the end of a dump.
     *
     * @param seq the request's sequence number
     * @param interrupted {@code NLM_F_DUMP_INTR} was on a message of it
     */
    record Done(int seq, boolean interrupted) implements RtnlMessage {
    }

    /**
     * {@code NLMSG_ERROR}.
     *
     * @param seq the request's sequence number
     * @param errno the (positive) error, 0 for an acknowledgement
     */
    record Error(int seq, int errno) implements RtnlMessage {
    }

    /** The kernel dropped messages (a zero-length frame from the receive call, or {@code NLMSG_OVERRUN}). */
    record Overrun() implements RtnlMessage {
    }
}
