package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A 48-bit IEEE MAC address. Ordering is the byte-wise order of the 6 octets,
 * which is the order of {@code STA_LIST} replies.
 *
 * @param value the address in the low 48 bits (first octet most significant)
 */
public record MacAddress(long value) implements Comparable<MacAddress> {
    /** Size on the wire. */
    public static final int SIZE = 6;
    /** Largest value (ff:ff:ff:ff:ff:ff). */
    public static final long MAX_VALUE = 0xFFFF_FFFF_FFFFL;
    /** The all-zero address, meaning "none" in commands. */
    public static final MacAddress ZERO = new MacAddress(0);

    /** Validates the range. */
    public MacAddress {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("MAC value out of 48-bit range: " + Long.toHexString(value));
        }
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (also {@code -} separated, any case).
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException if the text is not a MAC address
     */
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("not a MAC address (aa:bb:cc:dd:ee:ff): " + text);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int hi = hexDigit(text.charAt(i * 3));
            int lo = hexDigit(text.charAt(i * 3 + 1));
            char sep = i < 5 ? text.charAt(i * 3 + 2) : ':';
            if (hi < 0 || lo < 0 || (sep != ':' && sep != '-')) {
                throw new IllegalArgumentException("not a MAC address (aa:bb:cc:dd:ee:ff): " + text);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1; // ASCII hex only: Character.digit would take full-width and other scripts' digits
    }

    /**
     * @param bytes 6 octets
     * @return the address
     */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("MAC needs 6 bytes, got " + bytes.length);
        }
        return new MacAddress(valueAt(bytes, 0));
    }

    /**
     * Reads 6 octets at the reader index.
     *
     * @param buf the buffer (at least 6 readable bytes)
     * @return the address
     */
    public static MacAddress read(ByteBuf buf) {
        return new MacAddress(readValue(buf));
    }

    /**
     * Reads 6 octets at the reader index, without making an object.
     *
     * @param buf the buffer (at least 6 readable bytes)
     * @return the address as {@link #value()}
     */
    public static long readValue(ByteBuf buf) {
        long hi = buf.readUnsignedShort(); // big-endian: octets are in wire order
        long lo = buf.readUnsignedInt();
        return (hi << 32) | lo;
    }

    /**
     * Writes the 6 octets in order.
     *
     * @param buf the destination
     */
    public void write(ByteBuf buf) {
        buf.writeShort((int) (value >>> 32));
        buf.writeInt((int) value);
    }

    /**
     * @param b destination
     * @param off where the 6 octets go, in network order
     */
    public void put(byte[] b, int off) {
        put(value, b, off);
    }

    /**
     * @param b source
     * @param off where the 6 octets are, in network order
     * @return the address as {@link #value()}
     */
    public static long valueAt(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < SIZE; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /**
     * @param value an address as {@link #value()}
     * @param b destination
     * @param off where the 6 octets go, in network order
     */
    public static void put(long value, byte[] b, int off) {
        for (int i = 0; i < SIZE; i++) {
            b[off + i] = (byte) (value >>> (8 * (SIZE - 1 - i)));
        }
    }

    /** @return the 6 octets */
    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    /** @return whether this is 00:00:00:00:00:00 */
    public boolean isZero() {
        return value == 0;
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(value, o.value);
    }

    /** @return {@code aa:bb:cc:dd:ee:ff} */
    @Override
    public String toString() {
        char[] out = new char[17];
        for (int i = 0; i < 6; i++) {
            int b = (int) (value >>> (40 - 8 * i)) & 0xFF;
            out[i * 3] = Character.forDigit(b >>> 4, 16);
            out[i * 3 + 1] = Character.forDigit(b & 0xF, 16);
            if (i < 5) {
                out[i * 3 + 2] = ':';
            }
        }
        return new String(out);
    }
}
