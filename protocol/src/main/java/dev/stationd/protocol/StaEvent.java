package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;

/**
 * {@code struct sta_event}: one ingest datagram or one subscription record, 192 bytes.
 *
 * @param type the event type
 * @param seq the sender's sequence number ({@code u32})
 * @param sta the station ({@code FLUSH} uses only {@code sta.ifname}, {@code REMOVE} only {@code sta.mac})
 */
public record StaEvent(EventType type, int seq, StaListAttr sta) {
    /** {@code sizeof(sta_event)}. */
    public static final int SIZE = 192;
    /** {@code STATIOND_EVENT_MAGIC}. */
    public static final int MAGIC = 0x53544556;
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;

    /** Offset of {@code magic}. */
    public static final int OFFSET_MAGIC = 0;
    /** Offset of {@code version}. */
    public static final int OFFSET_VERSION = 4;
    /** Offset of {@code type}. */
    public static final int OFFSET_TYPE = 6;
    /** Offset of {@code seq}. */
    public static final int OFFSET_SEQ = 8;
    /** Offset of {@code reserved}. */
    public static final int OFFSET_RESERVED = 12;
    /** Offset of {@code sta}. */
    public static final int OFFSET_STA = 16;

    /** Validates the components. */
    public StaEvent {
        if (type == null || sta == null) {
            throw new IllegalArgumentException("type and sta must not be null");
        }
    }

    /**
     * @param seq sequence number
     * @param sta the station
     * @return an {@code UPSERT} event
     */
    public static StaEvent upsert(int seq, StaListAttr sta) {
        return new StaEvent(EventType.UPSERT, seq, sta);
    }

    /**
     * @param seq sequence number
     * @param mac the station to remove
     * @return a {@code REMOVE} event
     */
    public static StaEvent remove(int seq, MacAddress mac) {
        return new StaEvent(EventType.REMOVE, seq, StaListAttr.builder(mac).build());
    }

    /**
     * @param seq sequence number
     * @param ifname the interface to flush, {@code ""} = all
     * @return a {@code FLUSH} event
     */
    public static StaEvent flush(int seq, String ifname) {
        return new StaEvent(EventType.FLUSH, seq, StaListAttr.builder(MacAddress.ZERO).ifname(ifname).build());
    }

    /**
     * Writes the 192 bytes.
     *
     * @param buf the destination
     */
    public void encode(ByteBuf buf) {
        buf.ensureWritable(SIZE);
        HostOrder.writeI32(buf, MAGIC);           // 0  magic
        HostOrder.writeU16(buf, VERSION);         // 4  version
        HostOrder.writeU16(buf, type.code());     // 6  type
        HostOrder.writeI32(buf, seq);             // 8  seq
        HostOrder.writeI32(buf, 0);               // 12 reserved
        sta.encode(buf);                          // 16 sta
    }

    /**
     * Decodes a whole datagram: it must be exactly {@link #SIZE} bytes. Does not release
     * {@code datagram}; the reader index is left after whatever was read.
     *
     * @param datagram the datagram payload
     * @return the event
     * @throws ProtocolException for a wrong size, magic, version, type, reserved field or station
     */
    public static StaEvent decodeDatagram(ByteBuf datagram) {
        int size = datagram.readableBytes();
        if (size != SIZE) {
            throw new ProtocolException(ErrorCode.E_ARG, "sta_event", 0, size + " bytes", SIZE + " bytes");
        }
        return decode(datagram);
    }

    /**
     * Reads one event at the reader index (a subscription stream record); the reader index
     * advances by {@link #SIZE} whether or not decoding succeeds.
     *
     * @param buf a buffer with at least {@link #SIZE} readable bytes
     * @return the event
     * @throws ProtocolException for a short buffer or a bad field
     */
    public static StaEvent decode(ByteBuf buf) {
        if (buf.readableBytes() < SIZE) {
            throw new ProtocolException(ErrorCode.E_ARG, "sta_event", 0, buf.readableBytes() + " bytes", SIZE + " bytes");
        }
        int start = buf.readerIndex();
        try {
            int magic = HostOrder.readI32(buf);   // 0  magic
            if (magic != MAGIC) {
                throw new ProtocolException(ErrorCode.E_MAGIC, "magic", OFFSET_MAGIC,
                        ProtocolException.hex(magic & CloudCmdAttr.U32_MAX), ProtocolException.hex(MAGIC));
            }
            int version = HostOrder.readU16(buf); // 4  version
            if (version != VERSION) {
                throw new ProtocolException(ErrorCode.E_VERSION, "version", OFFSET_VERSION,
                        String.valueOf(version), String.valueOf(VERSION));
            }
            int type = HostOrder.readU16(buf);    // 6  type
            if (!EventType.isKnown(type)) {
                throw new ProtocolException(ErrorCode.E_ARG, "type", OFFSET_TYPE, String.valueOf(type), "1..3");
            }
            int seq = HostOrder.readI32(buf);     // 8  seq
            int reserved = HostOrder.readI32(buf); // 12 reserved
            if (reserved != 0) {
                throw new ProtocolException(ErrorCode.E_ARG, "reserved", OFFSET_RESERVED,
                        ProtocolException.hex(reserved & CloudCmdAttr.U32_MAX), "0");
            }
            StaListAttr sta;
            try {
                sta = StaListAttr.decode(buf);    // 16 sta
            } catch (ProtocolException e) {
                throw e.nested("sta.", OFFSET_STA);
            }
            return new StaEvent(EventType.valueOf(type), seq, sta);
        } finally {
            buf.readerIndex(start + SIZE);
        }
    }

    @Override
    public String toString() {
        return "StaEvent[type=" + type + ", seq=" + Integer.toUnsignedString(seq) + ", sta=" + sta + "]";
    }
}
