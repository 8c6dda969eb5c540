package dev.stationd.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads and writes the bits of addresses in arrays in network order (big-endian): an IPv4 address
 * is one {@code int}, an IPv6 address two {@code long}s, whatever the host's order (integer
 * fields are {@link HostOrder}'s).
 */
final class NetworkOrder {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private NetworkOrder() {
    }

    /** @param b source @param off index @return the 4 bytes there as a number */
    static int getI32(byte[] b, int off) {
        return (int) I32.get(b, off);
    }

    /** @param b source @param off index @return the 8 bytes there as a number */
    static long getI64(byte[] b, int off) {
        return (long) I64.get(b, off);
    }

    /** @param b destination @param off index @param v value */
    static void putI32(byte[] b, int off, int v) {
        I32.set(b, off, v);
    }

    /** @param b destination @param off index @param v value */
    static void putI64(byte[] b, int off, long v) {
        I64.set(b, off, v);
    }
}
