package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;

/**
 * {@code struct filter_attr}: one filter as {@code FILTER_DUMP} reports it, 32 bytes.
 *
 * @param mac the filtered MAC (never zero)
 * @param groupId the filter's group ({@code u32}, 0 = every group)
 * @param flags {@link #PRESENT}, {@link #TIMED}
 * @param createdMs Unix epoch milliseconds of the {@code FILTER_ADD} that last set its expiry,
 *     0 = unknown (a filter stored before the daemon recorded it)
 * @param expiresMs Unix epoch milliseconds of its expiry, 0 = permanent
 */
public record FilterAttr(MacAddress mac, int groupId, int flags, long createdMs, long expiresMs) {
    /** {@code sizeof(filter_attr)}. */
    public static final int SIZE = 32;
    /** {@code flags} bit0: the station is in the table now. */
    public static final int PRESENT = 1;
    /** {@code flags} bit1: the filter expires ({@code expires_ms} is set). */
    public static final int TIMED = 1 << 1;
    /** Every flag bit defined by version 1. */
    public static final int KNOWN_FLAGS = PRESENT | TIMED;

    /** Offset of {@code mac}. */
    public static final int OFFSET_MAC = 0;
    /** Offset of {@code reserved0}. */
    public static final int OFFSET_RESERVED0 = 6;
    /** Offset of {@code group_id}. */
    public static final int OFFSET_GROUP_ID = 8;
    /** Offset of {@code flags}. */
    public static final int OFFSET_FLAGS = 12;
    /** Offset of {@code created_ms}. */
    public static final int OFFSET_CREATED_MS = 16;
    /** Offset of {@code expires_ms}. */
    public static final int OFFSET_EXPIRES_MS = 24;

    /** Validates every component. */
    public FilterAttr {
        if (mac == null || mac.isZero()) {
            throw new IllegalArgumentException("mac: " + mac + ", expected a non-zero MAC");
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("flags: " + ProtocolException.hex(flags & 0xFFFF_FFFFL)
                    + ", expected PRESENT (0x1) and/or TIMED (0x2)");
        }
        if (createdMs < 0 || expiresMs < 0) {
            throw new IllegalArgumentException("created_ms/expires_ms: " + createdMs + "/" + expiresMs
                    + ", expected epoch milliseconds >= 0");
        }
        if (((flags & TIMED) != 0) != (expiresMs != 0)) {
            throw new IllegalArgumentException("flags " + ProtocolException.hex(flags) + " with expires_ms "
                    + expiresMs + ": TIMED must be set exactly when expires_ms is");
        }
    }

    /**
     * @param mac the filtered MAC
     * @param groupId the group
     * @param present whether the station is in the table now
     * @param createdMs when the filter's expiry was last set, 0 = unknown
     * @param expiresMs its expiry, 0 = permanent
     * @return the record, with {@link #TIMED} derived from {@code expiresMs}
     */
    public static FilterAttr of(MacAddress mac, int groupId, boolean present, long createdMs, long expiresMs) {
        return new FilterAttr(mac, groupId, (present ? PRESENT : 0) | (expiresMs != 0 ? TIMED : 0),
                createdMs, expiresMs);
    }

    /** @return whether {@link #PRESENT} is set */
    public boolean present() {
        return (flags & PRESENT) != 0;
    }

    /** @return whether {@link #TIMED} is set */
    public boolean timed() {
        return (flags & TIMED) != 0;
    }

    /**
     * Writes the 32 bytes.
     *
     * @param buf the destination
     */
    public void encode(ByteBuf buf) {
        buf.ensureWritable(SIZE);
        mac.write(buf);                        // 0  mac[6]
        HostOrder.writeU16(buf, 0);            // 6  reserved0
        HostOrder.writeI32(buf, groupId);      // 8  group_id
        HostOrder.writeI32(buf, flags);        // 12 flags
        HostOrder.writeI64(buf, createdMs);    // 16 created_ms
        HostOrder.writeI64(buf, expiresMs);    // 24 expires_ms
    }

    /**
     * Reads one record of exactly {@link #SIZE} bytes at the reader index, which advances by
     * {@link #SIZE} whether or not decoding succeeds.
     *
     * @param buf a buffer with at least {@link #SIZE} readable bytes
     * @return the record
     * @throws ProtocolException ({@code E_ARG}) naming the first bad field
     */
    public static FilterAttr decode(ByteBuf buf) {
        return FixedSize.decode(buf, SIZE, "filter_attr", FilterAttr::decodeFields);
    }

    private static FilterAttr decodeFields(ByteBuf buf) {
        MacAddress mac = MacAddress.read(buf);                // 0  mac[6]
        if (mac.isZero()) {
            throw new ProtocolException(ErrorCode.E_ARG, "mac", OFFSET_MAC, mac.toString(), "a non-zero MAC");
        }
        int reserved0 = HostOrder.readU16(buf);               // 6  reserved0
        if (reserved0 != 0) {
            throw new ProtocolException(ErrorCode.E_ARG, "reserved0", OFFSET_RESERVED0,
                    ProtocolException.hex(reserved0), "0");
        }
        int groupId = HostOrder.readI32(buf);                 // 8  group_id
        int flags = HostOrder.readI32(buf);                   // 12 flags
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new ProtocolException(ErrorCode.E_ARG, "flags", OFFSET_FLAGS,
                    ProtocolException.hex(flags & 0xFFFF_FFFFL), "PRESENT (0x1) and/or TIMED (0x2)");
        }
        long createdMs = HostOrder.readI64(buf);              // 16 created_ms
        if (createdMs < 0) {
            throw new ProtocolException(ErrorCode.E_ARG, "created_ms", OFFSET_CREATED_MS,
                    Long.toUnsignedString(createdMs), "epoch milliseconds below 2^63");
        }
        long expiresMs = HostOrder.readI64(buf);              // 24 expires_ms
        if (expiresMs < 0) {
            throw new ProtocolException(ErrorCode.E_ARG, "expires_ms", OFFSET_EXPIRES_MS,
                    Long.toUnsignedString(expiresMs), "epoch milliseconds below 2^63");
        }
        if (((flags & TIMED) != 0) != (expiresMs != 0)) {
            throw new ProtocolException(ErrorCode.E_ARG, "flags", OFFSET_FLAGS, ProtocolException.hex(flags),
                    "TIMED (0x2) exactly when expires_ms (" + expiresMs + ") is non-zero");
        }
        return new FilterAttr(mac, groupId, flags, createdMs, expiresMs);
    }

    @Override
    public String toString() {
        return "FilterAttr[mac=" + mac + ", groupId=" + Integer.toUnsignedString(groupId) + ", flags="
                + ProtocolException.hex(flags) + ", createdMs=" + createdMs + ", expiresMs=" + expiresMs + "]";
    }
}
