package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test-only byte helpers, the one frame builder of every module's tests (the daemon's tests get
 * it through this module's test jar). Integers are written and read in host byte order taken
 * from {@link ByteOrder#nativeOrder()} directly (not from the code under test), at literal
 * offsets, sizes and codes copied from protocol.md, so a wrong Java constant or a wrong byte
 * order shows up.
 */
public final class Wire {
    /** Host byte order, as protocol.md requires. */
    public static final ByteOrder HOST = ByteOrder.nativeOrder();

    /** {@code STATIOND_CMD_MAGIC}, spelled out from protocol.md. */
    public static final int CMD_MAGIC = 0x53544344;
    /** {@code STATIOND_EVENT_MAGIC}, spelled out from protocol.md. */
    public static final int EVENT_MAGIC = 0x53544556;

    /** {@code sizeof(struct cloud_cmd_attr)}. */
    public static final int CMD_SIZE = 64;
    /** {@code sizeof(struct sta_list_attr)}: one record of a table reply. */
    public static final int RECORD_SIZE = 176;
    /** {@code sizeof(struct sta_event)}: one ingest datagram, one subscription event. */
    public static final int EVENT_SIZE = 192;

    /** Command codes ({@code cmd}), spelled out from protocol.md. */
    public static final int STA_LIST = 1;
    public static final int STA_GET = 2;
    public static final int FILTER_ADD = 3;
    public static final int FILTER_DEL = 4;
    public static final int FILTER_FLUSH = 5;
    public static final int FILTER_LIST = 6;
    public static final int PING = 7;
    public static final int SUBSCRIBE = 8;
    public static final int FILTER_DUMP = 9;
    public static final int STA_KICK = 10;

    /** Error codes (int32), spelled out from protocol.md. */
    public static final int E_MAGIC = -1;
    public static final int E_VERSION = -2;
    public static final int E_CMD = -3;
    public static final int E_ARG = -4;
    public static final int E_PERM = -5;
    public static final int E_NOENT = -6;
    public static final int E_FULL = -7;
    public static final int E_BUSY = -8;

    /** {@code "ACK\0"}. */
    public static final byte[] ACK = {0x41, 0x43, 0x4B, 0x00};
    /** {@code "NAK\0"}. */
    public static final byte[] NAK = {0x4E, 0x41, 0x4B, 0x00};

    private Wire() {
    }

    private static ByteBuffer host(byte[] a) {
        return ByteBuffer.wrap(a).order(HOST);
    }

    /** Writes a u16 in host order at {@code off}. */
    public static void putU16(byte[] a, int off, int v) {
        host(a).putShort(off, (short) v);
    }

    /** Writes a 32-bit integer in host order at {@code off}. */
    public static void putI32(byte[] a, int off, int v) {
        host(a).putInt(off, v);
    }

    /** Writes a 64-bit integer in host order at {@code off}. */
    public static void putI64(byte[] a, int off, long v) {
        host(a).putLong(off, v);
    }

    /** @return the host-order 32-bit integer at {@code off} of {@code a} */
    public static int i32(byte[] a, int off) {
        return host(a).getInt(off);
    }

    /** @return the 6 bytes at {@code off} of {@code a} (a MAC in wire order) as a 48-bit value */
    public static long mac48(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (a[off + i] & 0xFF);
        }
        return v;
    }

    /** @return a copy of {@code a} with the u16 at {@code off} replaced (host order) */
    public static byte[] withU16(byte[] a, int off, int v) {
        byte[] out = a.clone();
        putU16(out, off, v);
        return out;
    }

    /** @return a copy of {@code a} with the 32-bit integer at {@code off} replaced (host order) */
    public static byte[] withI32(byte[] a, int off, int v) {
        byte[] out = a.clone();
        putI32(out, off, v);
        return out;
    }

    /** @return a copy of {@code a} with the byte at {@code off} replaced */
    public static byte[] withByte(byte[] a, int off, int v) {
        byte[] out = a.clone();
        out[off] = (byte) v;
        return out;
    }

    /** @return the host-order u16 at absolute index {@code idx} */
    public static int u16(ByteBuf b, int idx) {
        return HOST == ByteOrder.LITTLE_ENDIAN ? b.getUnsignedShortLE(idx) : b.getUnsignedShort(idx);
    }

    /** @return the host-order 32-bit integer at absolute index {@code idx} */
    public static int i32(ByteBuf b, int idx) {
        return HOST == ByteOrder.LITTLE_ENDIAN ? b.getIntLE(idx) : b.getInt(idx);
    }

    /** @return the host-order u32 at absolute index {@code idx} */
    public static long u32(ByteBuf b, int idx) {
        return Integer.toUnsignedLong(i32(b, idx));
    }

    /** @return the host-order 64-bit integer at absolute index {@code idx} */
    public static long i64(ByteBuf b, int idx) {
        return HOST == ByteOrder.LITTLE_ENDIAN ? b.getLongLE(idx) : b.getLong(idx);
    }

    /** @return an int32 as its 4 host-order bytes */
    public static byte[] int32(int v) {
        byte[] a = new byte[4];
        putI32(a, 0, v);
        return a;
    }

    /** @return {@code "NAK\0"} followed by the host-order code */
    public static byte[] nak(int code) {
        return concat(NAK, int32(code));
    }

    /** @return the arrays one after another */
    public static byte[] concat(byte[]... parts) {
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

    /** @return a copy of the readable bytes (indices unchanged) */
    public static byte[] readable(ByteBuf b) {
        return ByteBufUtil.getBytes(b);
    }

    /** @return {@code len} bytes at absolute index {@code idx} */
    public static byte[] slice(ByteBuf b, int idx, int len) {
        return ByteBufUtil.getBytes(b, idx, len);
    }

    /** @return the bytes as hex, for messages */
    public static String hex(byte[] a) {
        return ByteBufUtil.hexDump(a);
    }

    /** @return {@code s} in UTF-8 padded with NULs to {@code size} bytes */
    public static byte[] cString(String s, int size) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        if (raw.length > size) {
            throw new IllegalArgumentException("fixture string too long");
        }
        return Arrays.copyOf(raw, size);
    }

    /** @return a string of {@code n} ASCII letters cycling a..z */
    public static String ascii(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return sb.toString();
    }

    /**
     * A valid station with a few fields set, for input that only has to be accepted.
     *
     * @param mac the station, a 48-bit value
     * @param nowMs {@code last_seen_ms}, so it does not expire
     * @return the station
     */
    public static StaListAttr station(long mac, long nowMs) {
        return StaListAttr.builder(new MacAddress(mac)).ifname("wlan0").ssid("battery").groupId(1)
                .band(Band.valueOf(2)).signalDbm(-40).flags(0b111).assocTimeMs(nowMs - 1000).lastSeenMs(nowMs)
                .hostname("h" + Long.toHexString(mac)).build();
    }

    /**
     * A valid UPSERT datagram for {@link #station} {@code mac}, made by the production encoder:
     * input for the daemon (patch it with {@link #withI32} and friends for malformed cases), not
     * a layout fixture.
     *
     * @param seq the event's sequence number
     * @param mac the station
     * @return the 192 bytes
     */
    public static byte[] upsert(int seq, long mac) {
        ByteBuf buf = Unpooled.buffer(EVENT_SIZE);
        try {
            StaEvent.upsert(seq, station(mac, System.currentTimeMillis())).encode(buf);
            return readable(buf);
        } finally {
            buf.release();
        }
    }

    /**
     * Fixture builder for one 64-byte {@code struct cloud_cmd_attr}, written field by field at the
     * offsets of protocol.md. Starts as a valid v1 frame with every other field zero.
     */
    public static final class CmdFrame {
        private final byte[] f = new byte[64];

        private CmdFrame(int cmd) {
            putI32(f, 0, CMD_MAGIC); // 0  u32 magic
            putU16(f, 4, 1);         // 4  u16 version
            putU16(f, 6, cmd);       // 6  u16 cmd
        }

        /** @return a valid frame for the given {@code cmd} code */
        public static CmdFrame cmd(int cmd) {
            return new CmdFrame(cmd);
        }

        /** 0: u32 magic. */
        public CmdFrame magic(int v) {
            putI32(f, 0, v);
            return this;
        }

        /** 4: u16 version. */
        public CmdFrame version(int v) {
            putU16(f, 4, v);
            return this;
        }

        /** 6: u16 cmd (of a frame started by {@link #cmd(int)}). */
        public CmdFrame command(int v) {
            putU16(f, 6, v);
            return this;
        }

        /** 8: u32 seq. */
        public CmdFrame seq(int v) {
            putI32(f, 8, v);
            return this;
        }

        /** 12: u32 group_id. */
        public CmdFrame groupId(int v) {
            putI32(f, 12, v);
            return this;
        }

        /** 16: u8 mac[6], in wire order. */
        public CmdFrame mac(int... octets) {
            for (int i = 0; i < 6; i++) {
                f[16 + i] = (byte) octets[i];
            }
            return this;
        }

        /** 16: u8 mac[6], the 48-bit value {@code v} in wire order (most significant octet first). */
        public CmdFrame mac(long v) {
            for (int i = 0; i < 6; i++) {
                f[16 + i] = (byte) (v >>> (40 - 8 * i));
            }
            return this;
        }

        /** 22: u16 flags. */
        public CmdFrame flags(int v) {
            putU16(f, 22, v);
            return this;
        }

        /** 24: u32 offset. */
        public CmdFrame offset(int v) {
            putI32(f, 24, v);
            return this;
        }

        /** 28: u32 max_entries. */
        public CmdFrame maxEntries(int v) {
            putI32(f, 28, v);
            return this;
        }

        /** 32: char ifname[16], exactly as given (no NUL added when 16 bytes long). */
        public CmdFrame ifnameBytes(byte[] raw) {
            Arrays.fill(f, 32, 48, (byte) 0);
            System.arraycopy(raw, 0, f, 32, raw.length);
            return this;
        }

        /** 32: char ifname[16], NUL padded. */
        public CmdFrame ifname(String s) {
            return ifnameBytes(cString(s, 16));
        }

        /** 48: u32 lifetime_s. */
        public CmdFrame lifetime(int v) {
            putI32(f, 48, v);
            return this;
        }

        /** 52 + i: u8 reserved[i], i in 0..11. */
        public CmdFrame reserved(int i, int v) {
            if (i < 0 || i >= 12) {
                throw new IllegalArgumentException("reserved has 12 bytes: " + i);
            }
            f[52 + i] = (byte) v;
            return this;
        }

        /** @return a copy of the 64 bytes */
        public byte[] bytes() {
            return f.clone();
        }
    }
}
