package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;

/**
 * Reads and writes integers in host byte order ({@link ByteOrder#nativeOrder()}), as the
 * protocol requires for every integer field. Addresses and MACs are not integers here.
 */
public final class HostOrder {
    /** Whether this host is little-endian. */
    public static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private HostOrder() {
    }

    /** @param buf source @return the next u16 */
    public static int readU16(ByteBuf buf) {
        return LITTLE_ENDIAN ? buf.readUnsignedShortLE() : buf.readUnsignedShort();
    }

    /** @param buf source @return the next 32-bit integer */
    public static int readI32(ByteBuf buf) {
        return LITTLE_ENDIAN ? buf.readIntLE() : buf.readInt();
    }

    /** @param buf source @param index absolute index @return the 32-bit integer there */
    public static int getI32(ByteBuf buf, int index) {
        return LITTLE_ENDIAN ? buf.getIntLE(index) : buf.getInt(index);
    }

    /** @param buf source @return the next u32 */
    public static long readU32(ByteBuf buf) {
        return LITTLE_ENDIAN ? buf.readUnsignedIntLE() : buf.readUnsignedInt();
    }

    /** @param buf source @return the next 64-bit integer */
    public static long readI64(ByteBuf buf) {
        return LITTLE_ENDIAN ? buf.readLongLE() : buf.readLong();
    }

    /** @param buf destination @param v value, low 16 bits written */
    public static void writeU16(ByteBuf buf, int v) {
        if (LITTLE_ENDIAN) {
            buf.writeShortLE(v);
        } else {
            buf.writeShort(v);
        }
    }

    /** @param buf destination @param v value */
    public static void writeI32(ByteBuf buf, int v) {
        if (LITTLE_ENDIAN) {
            buf.writeIntLE(v);
        } else {
            buf.writeInt(v);
        }
    }

    /** @param buf destination @param index absolute index @param v value */
    public static void setI32(ByteBuf buf, int index, int v) {
        if (LITTLE_ENDIAN) {
            buf.setIntLE(index, v);
        } else {
            buf.setInt(index, v);
        }
    }

    /** @param b source @param off index @return the u16 there */
    public static int getU16(byte[] b, int off) {
        return LITTLE_ENDIAN
                ? (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8
                : (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    /** @param b source @param off index @return the 32-bit integer there */
    public static int getI32(byte[] b, int off) {
        return LITTLE_ENDIAN
                ? (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | b[off + 3] << 24
                : b[off] << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    /** @param b source @param off index @return the u32 there */
    public static long getU32(byte[] b, int off) {
        return getI32(b, off) & 0xFFFF_FFFFL;
    }

    /** @param b destination @param off index @param v value, low 16 bits written */
    public static void putU16(byte[] b, int off, int v) {
        if (LITTLE_ENDIAN) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
        } else {
            b[off] = (byte) (v >>> 8);
            b[off + 1] = (byte) v;
        }
    }

    /** @param b destination @param off index @param v value */
    public static void putI32(byte[] b, int off, int v) {
        if (LITTLE_ENDIAN) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
            b[off + 2] = (byte) (v >>> 16);
            b[off + 3] = (byte) (v >>> 24);
        } else {
            b[off] = (byte) (v >>> 24);
            b[off + 1] = (byte) (v >>> 16);
            b[off + 2] = (byte) (v >>> 8);
            b[off + 3] = (byte) v;
        }
    }

    /** @param b destination @param off index @param v value */
    public static void putI64(byte[] b, int off, long v) {
        if (LITTLE_ENDIAN) {
            putI32(b, off, (int) v);
            putI32(b, off + 4, (int) (v >>> 32));
        } else {
            putI32(b, off, (int) (v >>> 32));
            putI32(b, off + 4, (int) v);
        }
    }

    /** @param buf destination @param v value */
    public static void writeI64(ByteBuf buf, long v) {
        if (LITTLE_ENDIAN) {
            buf.writeLongLE(v);
        } else {
            buf.writeLong(v);
        }
    }
}
