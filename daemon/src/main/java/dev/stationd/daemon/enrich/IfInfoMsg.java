package dev.stationd.daemon.enrich;

import java.nio.ByteBuffer;

/**
 * {@code struct ifinfomsg}, 16 bytes: the fixed part of {@code RTM_NEWLINK} / {@code RTM_DELLINK} /
 * {@code RTM_GETLINK}; attributes ({@code IFLA_*}) follow.
 *
 * @param family {@code ifi_family}
 * @param type {@code ifi_type} ({@code ARPHRD_*})
 * @param index {@code ifi_index}
 * @param flags {@code ifi_flags} ({@code IFF_*})
 * @param change {@code ifi_change}
 */
record IfInfoMsg(int family, int type, int index, int flags, int change) {
    /** {@code sizeof(struct ifinfomsg)}. */
    static final int SIZE = 16;

    /** Checks the field ranges. */
    IfInfoMsg {
        if (family < 0 || family > 0xFF || type < 0 || type > 0xFFFF) {
            throw new RtnlException("ifi_family/ifi_type", family + "/" + type, "u8/u16", 0);
        }
    }

    /**
     * @param buf host-order buffer
     * @param at offset of the struct
     * @param available bytes from {@code at} to the end of the message
     * @return the struct
     */
    static IfInfoMsg decode(ByteBuffer buf, int at, int available) {
        if (available < SIZE) {
            throw new RtnlException("ifinfomsg", available + " bytes", SIZE + " bytes", at);
        }
        return new IfInfoMsg(Byte.toUnsignedInt(buf.get(at)), Short.toUnsignedInt(buf.getShort(at + 2)),
                buf.getInt(at + 4), buf.getInt(at + 8), buf.getInt(at + 12));
    }

    /** @param buf host-order buffer, written at its position */
    void encode(ByteBuffer buf) {
        buf.put((byte) family).put((byte) 0).putShort((short) type).putInt(index).putInt(flags).putInt(change);
    }
}
