package dev.stationd.daemon.enrich;

import java.nio.ByteBuffer;

/**
 * {@code struct nlmsghdr}, 16 bytes, host byte order.
 *
 * @param length {@code nlmsg_len}: header and payload, unpadded
 * @param type {@code nlmsg_type}
 * @param flags {@code nlmsg_flags} ({@code NLM_F_*})
 * @param seq {@code nlmsg_seq}
 * @param pid {@code nlmsg_pid}: the sender's port id, 0 for the kernel
 */
record NlMsgHdr(int length, int type, int flags, int seq, int pid) {
    /** {@code sizeof(struct nlmsghdr)}. */
    static final int SIZE = 16;
    /** {@code NLMSG_NOOP}. */
    static final int NOOP = 1;
    /** {@code NLMSG_ERROR}: an {@code int} errno (negative) follows, 0 = an acknowledgement. */
    static final int ERROR = 2;
    /** {@code NLMSG_DONE}: the end of a dump. */
    static final int DONE = 3;
    /** {@code NLMSG_OVERRUN}. */
    static final int OVERRUN = 4;
    /** {@code NLM_F_REQUEST}. */
    static final int F_REQUEST = 0x1;
    /** {@code NLM_F_MULTI}. */
    static final int F_MULTI = 0x2;
    /** {@code NLM_F_DUMP_INTR}: the table changed during the dump, which is then inconsistent. */
    static final int F_DUMP_INTR = 0x10;
    /** {@code NLM_F_DUMP} ({@code NLM_F_ROOT | NLM_F_MATCH}). */
    static final int F_DUMP = 0x300;

    /** Checks the ranges of the unsigned fields. */
    NlMsgHdr {
        if (length < SIZE) {
            throw new RtnlException("nlmsg_len", length, ">= " + SIZE, 0);
        }
        if (type < 0 || type > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new RtnlException("nlmsg_type/nlmsg_flags", type + "/" + flags, "u16", 4);
        }
    }

    /**
     * @param buf host-order buffer
     * @param at offset of the header
     * @param available bytes from {@code at} to the end of the datagram
     * @return the header
     * @throws RtnlException if it does not fit or claims more than is there
     */
    static NlMsgHdr decode(ByteBuffer buf, int at, int available) {
        if (available < SIZE) {
            throw new RtnlException("nlmsghdr", available + " bytes", SIZE + " bytes", at);
        }
        NlMsgHdr h = new NlMsgHdr(buf.getInt(at), Short.toUnsignedInt(buf.getShort(at + 4)),
                Short.toUnsignedInt(buf.getShort(at + 6)), buf.getInt(at + 8), buf.getInt(at + 12));
        if (h.length > available) {
            throw new RtnlException("nlmsg_len", h.length, "<= " + available + " (the rest of the datagram)", at);
        }
        return h;
    }

    /**
     * Writes the header at the buffer's position.
     *
     * @param buf host-order buffer
     */
    void encode(ByteBuffer buf) {
        buf.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(pid);
    }

    /** @param n a length @return it rounded up to 4 ({@code NLMSG_ALIGN}, {@code RTA_ALIGN}) */
    static int align(int n) {
        return (n + 3) & ~3;
    }
}
