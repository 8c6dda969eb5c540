package dev.stationd.daemon.hostapd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the captured hostapd datagrams under {@code src/test/resources/hostapd/}. */
final class Captures {
    private Captures() {
    }

    /** @return the datagram as the link sees it (ISO-8859-1, byte for byte) */
    static String read(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/hostapd/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /hostapd/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
