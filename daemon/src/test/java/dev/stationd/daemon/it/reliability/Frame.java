package dev.stationd.daemon.it.reliability;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte-exact {@code cloud_cmd_attr} frames (64 bytes, host byte order) built field by field from
 * the offsets of protocol.md, independent of the production encoder, and valid / invalid
 * {@code sta_event} datagrams.
 */
final class Frame {
    static final ByteOrder HOST = ByteOrder.nativeOrder();
    static final int SIZE = 64;
    static final int MAGIC = 0x53544344;
    static final int EVENT_MAGIC = 0x53544556;
    static final int STA_LIST = 1;
    static final int STA_GET = 2;
    static final int FILTER_ADD = 3;
    static final int FILTER_DEL = 4;
    static final int FILTER_FLUSH = 5;
    static final int FILTER_LIST = 6;
    static final int PING = 7;
    static final int SUBSCRIBE = 8;
    static final int E_MAGIC = -1;
    static final int E_VERSION = -2;
    static final int E_CMD = -3;
    static final int E_ARG = -4;
    static final int E_PERM = -5;
    static final int E_NOENT = -6;
    static final int E_FULL = -7;
    static final int E_BUSY = -8;
    static final int RECORD = 176;
    static final int EVENT = 192;

    private final ByteBuffer b = ByteBuffer.allocate(SIZE).order(HOST);

    private Frame(int cmd) {
        b.putInt(0, MAGIC).putShort(4, (short) 1).putShort(6, (short) cmd);
    }

    static Frame of(int cmd) {
        return new Frame(cmd);
    }

    Frame magic(int v) { b.putInt(0, v); return this; }
    Frame version(int v) { b.putShort(4, (short) v); return this; }
    Frame cmd(int v) { b.putShort(6, (short) v); return this; }
    Frame seq(int v) { b.putInt(8, v); return this; }
    Frame group(int v) { b.putInt(12, v); return this; }
    Frame flags(int v) { b.putShort(22, (short) v); return this; }
    Frame offset(int v) { b.putInt(24, v); return this; }
    Frame maxEntries(int v) { b.putInt(28, v); return this; }

    Frame mac(long v) {
        for (int i = 0; i < 6; i++) {
            b.put(16 + i, (byte) (v >>> (40 - 8 * i)));
        }
        return this;
    }

    /** @param raw exactly the 16 bytes of {@code ifname} */
    Frame ifnameRaw(byte[] raw) {
        if (raw.length != 16) {
            throw new IllegalArgumentException("ifname is char[16]");
        }
        b.put(32, raw);
        return this;
    }

    Frame ifname(String s) {
        byte[] raw = new byte[16];
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, raw, 0, text.length);
        return ifnameRaw(raw);
    }

    /** @param index 0..15 within {@code reserved} @param v the byte */
    Frame reserved(int index, int v) { b.put(48 + index, (byte) v); return this; }

    Frame rawByte(int offset, int v) { b.put(offset, (byte) v); return this; }

    byte[] bytes() {
        return b.array().clone();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).order(HOST).putInt(v).array();
    }

    /**
     * @param mac the station
     * @param nowMs last_seen_ms (so it does not expire)
     * @return a valid station with a few fields set
     */
    static StaListAttr station(long mac, long nowMs) {
        return StaListAttr.builder(new MacAddress(mac)).ifname("wlan0").ssid("battery").groupId(1)
                .band(Band.valueOf(2)).signalDbm(-40).flags(0b111).assocTimeMs(nowMs - 1000).lastSeenMs(nowMs)
                .hostname("h" + Long.toHexString(mac)).build();
    }

    /**
     * @param seq sequence number
     * @param mac the station
     * @return a valid UPSERT datagram, 192 bytes
     */
    static byte[] upsert(int seq, long mac) {
        ByteBuf buf = Unpooled.buffer(EVENT);
        try {
            StaEvent.upsert(seq, station(mac, System.currentTimeMillis())).encode(buf);
            byte[] out = new byte[EVENT];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    /** @param datagram a datagram @param offset where @param v the byte @return a modified copy */
    static byte[] patch(byte[] datagram, int offset, int v) {
        byte[] out = datagram.clone();
        out[offset] = (byte) v;
        return out;
    }

    /** @param datagram a datagram @param offset where @param v the u16 (host order) @return a modified copy */
    static byte[] patchU16(byte[] datagram, int offset, int v) {
        byte[] out = datagram.clone();
        ByteBuffer.wrap(out).order(HOST).putShort(offset, (short) v);
        return out;
    }

    /** @param datagram a datagram @param offset where @param v the i32 (host order) @return a modified copy */
    static byte[] patchI32(byte[] datagram, int offset, int v) {
        byte[] out = datagram.clone();
        ByteBuffer.wrap(out).order(HOST).putInt(offset, v);
        return out;
    }

    /** @param record a 176-byte record @return its MAC as a 48-bit value */
    static long macOf(byte[] record, int at) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (record[at + i] & 0xFF);
        }
        return v;
    }

    /** @param record records @param at start of one @return its group_id */
    static int groupOf(byte[] record, int at) {
        return ByteBuffer.wrap(record).order(HOST).getInt(at + 12);
    }
}
