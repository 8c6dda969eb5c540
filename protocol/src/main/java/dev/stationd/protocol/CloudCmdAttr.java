package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;

/**
 * {@code struct cloud_cmd_attr}: one 64-byte command, client to daemon.
 *
 * <p>{@code magic}, {@code version} and {@code reserved} are fixed on the wire and checked by
 * {@link #decode(ByteBuf)}; they are not components of the record.
 *
 * @param command the {@code cmd} field
 * @param seq the client's tag, echoed in logs only
 * @param groupId the {@code group_id} ({@code u32}, 0 = every group)
 * @param mac the {@code mac} field ({@link MacAddress#ZERO} when unused)
 * @param flags the {@code flags} field ({@link #ONLY_FILTERED}, {@link #EXCLUDE_FILTERED})
 * @param offset paging: records to skip ({@code u32})
 * @param maxEntries paging: at most this many records, 0 = no limit ({@code u32})
 * @param ifname interface selector, {@code ""} = every interface
 * @param lifetimeS seconds a filter made by {@code FILTER_ADD} / {@code STA_KICK} holds ({@code u32};
 *     0 = permanent for {@code FILTER_ADD}, no filter for {@code STA_KICK}; 0 for every other command)
 */
public record CloudCmdAttr(Command command, int seq, int groupId, MacAddress mac, int flags,
                           long offset, long maxEntries, String ifname, long lifetimeS) {
    /** {@code sizeof(cloud_cmd_attr)}. */
    public static final int SIZE = 64;
    /** {@code STATIOND_CMD_MAGIC}. */
    public static final int MAGIC = 0x53544344;
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;
    /** {@code STA_LIST} flag bit0: only stations that have a filter. */
    public static final int ONLY_FILTERED = 1;
    /** {@code STA_LIST} flag bit1: only stations without a filter. */
    public static final int EXCLUDE_FILTERED = 1 << 1;
    /** Every flag bit defined by version 1. */
    public static final int KNOWN_FLAGS = ONLY_FILTERED | EXCLUDE_FILTERED;
    /** {@code char ifname[16]}. */
    public static final int IFNAME_SIZE = 16;
    /** {@code u8 reserved[12]}. */
    public static final int RESERVED_SIZE = 12;
    /** Largest {@code u32}. */
    public static final long U32_MAX = 0xFFFF_FFFFL;

    /** Offset of {@code magic}. */
    public static final int OFFSET_MAGIC = 0;
    /** Offset of {@code version}. */
    public static final int OFFSET_VERSION = 4;
    /** Offset of {@code cmd}. */
    public static final int OFFSET_CMD = 6;
    /** Offset of {@code seq}. */
    public static final int OFFSET_SEQ = 8;
    /** Offset of {@code group_id}. */
    public static final int OFFSET_GROUP_ID = 12;
    /** Offset of {@code mac}. */
    public static final int OFFSET_MAC = 16;
    /** Offset of {@code flags}. */
    public static final int OFFSET_FLAGS = 22;
    /** Offset of {@code offset}. */
    public static final int OFFSET_OFFSET = 24;
    /** Offset of {@code max_entries}. */
    public static final int OFFSET_MAX_ENTRIES = 28;
    /** Offset of {@code ifname}. */
    public static final int OFFSET_IFNAME = 32;
    /** Offset of {@code lifetime_s}. */
    public static final int OFFSET_LIFETIME_S = 48;
    /** Offset of {@code reserved}. */
    public static final int OFFSET_RESERVED = 52;

    /** Validates every component. */
    public CloudCmdAttr {
        if (command == null || mac == null) {
            throw new IllegalArgumentException("command and mac must not be null");
        }
        if ((flags & ~KNOWN_FLAGS) != 0 || flags == KNOWN_FLAGS) {
            throw new IllegalArgumentException("flags: " + ProtocolException.hex(flags)
                    + ", expected ONLY_FILTERED or EXCLUDE_FILTERED or neither");
        }
        if (offset < 0 || offset > U32_MAX || maxEntries < 0 || maxEntries > U32_MAX) {
            throw new IllegalArgumentException("offset/maxEntries must be u32: " + offset + "/" + maxEntries);
        }
        if (command.needsMac() && mac.isZero()) {
            throw new IllegalArgumentException(command + " needs a non-zero mac");
        }
        WireStrings.requireFits("ifname", ifname, IFNAME_SIZE);
        if (command.needsMacOrSelector() && mac.isZero() && groupId == 0 && ifname.isEmpty()) {
            throw new IllegalArgumentException(command + " needs a non-zero mac, group_id or ifname");
        }
        if (lifetimeS < 0 || lifetimeS > U32_MAX) {
            throw new IllegalArgumentException("lifetimeS must be u32: " + lifetimeS);
        }
        if (lifetimeS != 0 && !command.takesLifetime()) {
            throw new IllegalArgumentException("lifetimeS " + lifetimeS + " on " + command
                    + ": only FILTER_ADD and STA_KICK take a lifetime");
        }
    }

    /**
     * A command without a lifetime (the fields a version 1 client before {@code lifetime_s} sends).
     *
     * @param command the {@code cmd} field
     * @param seq the client's tag
     * @param groupId the {@code group_id}
     * @param mac the {@code mac} field
     * @param flags the {@code flags} field
     * @param offset paging: records to skip
     * @param maxEntries paging: at most this many records, 0 = no limit
     * @param ifname interface selector
     */
    public CloudCmdAttr(Command command, int seq, int groupId, MacAddress mac, int flags, long offset,
                        long maxEntries, String ifname) {
        this(command, seq, groupId, mac, flags, offset, maxEntries, ifname, 0);
    }

    /**
     * A command with only the command code set.
     *
     * @param command the command
     * @return the command struct
     */
    public static CloudCmdAttr of(Command command) {
        return new CloudCmdAttr(command, 0, 0, MacAddress.ZERO, 0, 0, 0, "");
    }

    /**
     * A command addressing one MAC in a group ({@code STA_GET}, {@code FILTER_ADD}, {@code FILTER_DEL}).
     *
     * @param command the command
     * @param mac the station
     * @param groupId the group
     * @return the command struct
     */
    public static CloudCmdAttr forMac(Command command, MacAddress mac, int groupId) {
        return new CloudCmdAttr(command, 0, groupId, mac, 0, 0, 0, "");
    }

    /**
     * @param newSeq the tag
     * @return a copy with {@code seq} replaced
     */
    public CloudCmdAttr withSeq(int newSeq) {
        return new CloudCmdAttr(command, newSeq, groupId, mac, flags, offset, maxEntries, ifname, lifetimeS);
    }

    /**
     * @param seconds the lifetime ({@code u32}; only for {@code FILTER_ADD} and {@code STA_KICK})
     * @return a copy with {@code lifetime_s} replaced
     */
    public CloudCmdAttr withLifetime(long seconds) {
        return new CloudCmdAttr(command, seq, groupId, mac, flags, offset, maxEntries, ifname, seconds);
    }

    /**
     * Writes the 64 bytes.
     *
     * @param buf the destination
     */
    public void encode(ByteBuf buf) {
        buf.ensureWritable(SIZE);
        HostOrder.writeI32(buf, MAGIC);               // 0  magic
        HostOrder.writeU16(buf, VERSION);             // 4  version
        HostOrder.writeU16(buf, command.code());      // 6  cmd
        HostOrder.writeI32(buf, seq);                 // 8  seq
        HostOrder.writeI32(buf, groupId);             // 12 group_id
        mac.write(buf);                               // 16 mac[6]
        HostOrder.writeU16(buf, flags);               // 22 flags
        HostOrder.writeI32(buf, (int) offset);        // 24 offset
        HostOrder.writeI32(buf, (int) maxEntries);    // 28 max_entries
        WireStrings.write(buf, ifname, IFNAME_SIZE);  // 32 ifname[16]
        HostOrder.writeI32(buf, (int) lifetimeS);     // 48 lifetime_s
        buf.writeZero(RESERVED_SIZE);                 // 52 reserved[12]
    }

    /** Each thread's copy of the command being decoded (the record keeps nothing of it). */
    private static final ThreadLocal<byte[]> FRAME = ThreadLocal.withInitial(() -> new byte[SIZE]);

    /**
     * Reads one command of exactly {@link #SIZE} bytes at the reader index. Checks are made in
     * wire order: magic, version, cmd, then arguments; the first failure is thrown.
     * The reader index advances by {@link #SIZE} whether or not decoding succeeds.
     *
     * @param buf a buffer with at least {@link #SIZE} readable bytes
     * @return the command
     * @throws ProtocolException with the error code the command earns
     */
    public static CloudCmdAttr decode(ByteBuf buf) {
        return FixedSize.decode(buf, SIZE, "cloud_cmd_attr", CloudCmdAttr::decodeFields);
    }

    private static CloudCmdAttr decodeFields(ByteBuf buf) {
        // One bulk copy, then reads from the array: through the buffer, each field is a chain of
        // calls with its own index and liveness checks, which C1 does not inline (under
        // back-to-back STA_LIST, reading the command was about a seventh of a request's Java time).
        byte[] b = FRAME.get();
        buf.getBytes(buf.readerIndex(), b, 0, SIZE);
        int magic = HostOrder.getI32(b, OFFSET_MAGIC);
        if (magic != MAGIC) {
            throw new ProtocolException(ErrorCode.E_MAGIC, "magic", OFFSET_MAGIC,
                    ProtocolException.hex(magic & U32_MAX), ProtocolException.hex(MAGIC));
        }
        int version = HostOrder.getU16(b, OFFSET_VERSION);
        if (version != VERSION) {
            throw new ProtocolException(ErrorCode.E_VERSION, "version", OFFSET_VERSION,
                    String.valueOf(version), String.valueOf(VERSION));
        }
        int cmd = HostOrder.getU16(b, OFFSET_CMD);
        if (!Command.isKnown(cmd)) {
            throw new ProtocolException(ErrorCode.E_CMD, "cmd", OFFSET_CMD, String.valueOf(cmd),
                    "1.." + Command.MAX_CODE);
        }
        Command command = Command.valueOf(cmd);
        int seq = HostOrder.getI32(b, OFFSET_SEQ);
        int groupId = HostOrder.getI32(b, OFFSET_GROUP_ID);
        MacAddress mac = new MacAddress(MacAddress.valueAt(b, OFFSET_MAC));
        if (command.needsMac() && mac.isZero()) {
            throw new ProtocolException(ErrorCode.E_ARG, "mac", OFFSET_MAC, mac.toString(),
                    "a non-zero MAC for " + command);
        }
        int flags = HostOrder.getU16(b, OFFSET_FLAGS);
        if ((flags & ~KNOWN_FLAGS) != 0 || flags == KNOWN_FLAGS) {
            throw new ProtocolException(ErrorCode.E_ARG, "flags", OFFSET_FLAGS, ProtocolException.hex(flags),
                    "ONLY_FILTERED (0x1) or EXCLUDE_FILTERED (0x2) or 0");
        }
        long offset = HostOrder.getU32(b, OFFSET_OFFSET);
        long maxEntries = HostOrder.getU32(b, OFFSET_MAX_ENTRIES);
        String ifname = WireStrings.read(b, OFFSET_IFNAME, IFNAME_SIZE, "ifname");
        if (command.needsMacOrSelector() && mac.isZero() && groupId == 0 && ifname.isEmpty()) {
            throw new ProtocolException(ErrorCode.E_ARG, "mac", OFFSET_MAC, mac.toString(),
                    "a non-zero MAC, group_id or ifname for " + command);
        }
        long lifetimeS = HostOrder.getU32(b, OFFSET_LIFETIME_S);
        if (lifetimeS != 0 && !command.takesLifetime()) {
            throw new ProtocolException(ErrorCode.E_ARG, "lifetime_s", OFFSET_LIFETIME_S, String.valueOf(lifetimeS),
                    "0 for " + command + " (only FILTER_ADD and STA_KICK take a lifetime)");
        }
        for (int i = OFFSET_RESERVED; i < SIZE; i++) {
            if (b[i] != 0) {
                throw new ProtocolException(ErrorCode.E_ARG, "reserved", i, ProtocolException.hex(b[i] & 0xFF), "0");
            }
        }
        return new CloudCmdAttr(command, seq, groupId, mac, flags, offset, maxEntries, ifname, lifetimeS);
    }

    @Override
    public String toString() {
        return "CloudCmdAttr[command=" + command + ", seq=" + Integer.toUnsignedString(seq)
                + ", groupId=" + Integer.toUnsignedString(groupId) + ", mac=" + mac
                + ", flags=" + ProtocolException.hex(flags) + ", offset=" + offset
                + ", maxEntries=" + maxEntries + ", ifname=" + ifname + ", lifetimeS=" + lifetimeS + "]";
    }
}
