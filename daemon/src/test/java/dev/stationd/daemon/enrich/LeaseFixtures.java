package dev.stationd.daemon.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.stationd.protocol.MacAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers of the lease parser tests: reading text or a committed fixture, and building expected leases. */
final class LeaseFixtures {
    private LeaseFixtures() {
    }

    /** @return {@code text} read as a file of {@code format} */
    static LeaseFile.Read parse(LeaseFormat format, String text) {
        return parse(format, text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return {@code bytes} read as a file of {@code format} */
    static LeaseFile.Read parse(LeaseFormat format, byte[] bytes) {
        try {
            return new LeaseFile(Path.of("/test/leases"), format).read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the committed fixture {@code enrich/leases/NAME} read as {@code format} */
    static LeaseFile.Read fixture(LeaseFormat format, String name) {
        try (InputStream in = LeaseFixtures.class.getResourceAsStream("/enrich/leases/" + name)) {
            assertNotNull(in, "fixture " + name);
            return new LeaseFile(Path.of("/fixture/" + name), format).read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a lease; {@code expiresS} in Unix seconds, or 0 for {@link Lease#NEVER} */
    static Lease lease(String mac, String address, String hostname, long expiresS) {
        return new Lease(MacAddress.parse(mac), ip(address), hostname, expiresS == 0 ? Lease.NEVER : expiresS * 1000);
    }

    /** @return the address of a literal (no lookup) */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Asserts the leases read, in file order (last statement of an address wins). */
    static void assertLeases(LeaseFile.Read r, Lease... expected) {
        assertEquals(LeaseFile.Outcome.READ, r.outcome());
        assertEquals(List.of(expected), new ArrayList<>(r.leases().values()));
    }

    /** Asserts the number of damaged lines and the first problem's start. */
    static void assertProblems(LeaseFile.Read r, int count, String firstStartsWith) {
        assertEquals(count, r.problems().count(), "damaged lines; first: " + r.problems().first());
        if (count > 0) {
            String first = r.problems().first();
            assertEquals(true, first.startsWith(firstStartsWith), "first problem: " + first);
        }
    }
}
