package dev.stationd.daemon.enrich;

import java.nio.ByteBuffer;

/**
 * {@code struct ndmsg}, 12 bytes: the fixed part of {@code RTM_NEWNEIGH} / {@code RTM_DELNEIGH} /
 * {@code RTM_GETNEIGH}; attributes ({@code NDA_*}) follow.
 *
 * @param family {@code ndm_family}: {@link #AF_INET}, {@link #AF_INET6}, or others (bridge FDB: 7)
 * @param ifindex {@code ndm_ifindex}
 * @param state {@code ndm_state}, {@link NudState} bits
 * @param flags {@code ndm_flags} ({@code NTF_*})
 * @param type {@code ndm_type}
 */
record NdMsg(int family, int ifindex, int state, int flags, int type) {
    /** {@code sizeof(struct ndmsg)}. */
    static final int SIZE = 12;
    /** {@code AF_INET}. */
    static final int AF_INET = 2;
    /** {@code AF_INET6}. */
    static final int AF_INET6 = 10;
    /** {@code NTF_PROXY}: a proxy-ARP/ND entry, not a neighbour. */
    static final int NTF_PROXY = 0x08;

    /** Checks the field ranges. */
    NdMsg {
        if (family < 0 || family > 0xFF || flags < 0 || flags > 0xFF || type < 0 || type > 0xFF) {
            throw new RtnlException("ndm_family/ndm_flags/ndm_type", family + "/" + flags + "/" + type, "u8", 0);
        }
        if (state < 0 || state > 0xFFFF) {
            throw new RtnlException("ndm_state", state, "u16", 8);
        }
    }

    /**
     * @param buf host-order buffer
     * @param at offset of the struct
     * @param available bytes from {@code at} to the end of the message
     * @return the struct
     */
    static NdMsg decode(ByteBuffer buf, int at, int available) {
        if (available < SIZE) {
            throw new RtnlException("ndmsg", available + " bytes", SIZE + " bytes", at);
        }
        return new NdMsg(Byte.toUnsignedInt(buf.get(at)), buf.getInt(at + 4),
                Short.toUnsignedInt(buf.getShort(at + 8)), Byte.toUnsignedInt(buf.get(at + 10)),
                Byte.toUnsignedInt(buf.get(at + 11)));
    }

    /** @param buf host-order buffer, written at its position */
    void encode(ByteBuffer buf) {
        buf.put((byte) family).put((byte) 0).putShort((short) 0).putInt(ifindex).putShort((short) state)
                .put((byte) flags).put((byte) type);
    }
}
