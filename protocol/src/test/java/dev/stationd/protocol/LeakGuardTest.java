package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard that fails a test class over an unreleased buffer does see one. */
class LeakGuardTest {
    @Test
    void aBufferCollectedWithoutReleaseIsFoundOnceAndAReleasedOneIsNot() {
        LeakGuard.collect(); // whatever an earlier class left is not this test's
        leakOne();
        Unpooled.directBuffer(8).release(); // released: not a leak
        List<String> leaks = LeakGuard.collect();
        assertEquals(1, leaks.size(), "one leak: " + leaks);
        assertTrue(leaks.get(0).contains("leakOne"), "its records name where it was made: " + leaks.get(0));
        assertEquals(List.of(), LeakGuard.collect(), "reported once");
    }

    private static void leakOne() {
        ByteBuf leaked = Unpooled.directBuffer(8);
        leaked.writeLong(0x0102030405060708L); // used, never released
    }
}
