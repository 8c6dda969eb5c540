package dev.stationd.daemon.enrich;

import dev.stationd.protocol.StaListAttr;
import java.nio.charset.StandardCharsets;

/** Host names from lease files, made fit for {@code sta_list_attr.hostname}. */
final class Hostnames {
    /** At most this many UTF-8 bytes: {@code char[32]} with its NUL. */
    static final int MAX_BYTES = StaListAttr.HOSTNAME_SIZE - 1;

    private Hostnames() {
    }

    /**
     * Drops control characters (NUL included) and a trailing dot (an FQDN's root), then cuts the
     * name to {@link #MAX_BYTES} UTF-8 bytes without splitting a character.
     *
     * @param name a host name as the lease file states it
     * @return the name to show, {@code ""} for none
     */
    static String clean(String name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), MAX_BYTES));
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || (Character.isSurrogate((char) cp) && cp <= 0xFFFF)) {
                continue; // a lone surrogate cannot be encoded
            }
            int n = utf8Bytes(cp);
            if (bytes + n > MAX_BYTES) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
        }
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '.') {
            b.setLength(end - 1);
        }
        return b.toString();
    }

    private static int utf8Bytes(int cp) {
        if (cp < 0x80) {
            return 1;
        }
        if (cp < 0x800) {
            return 2;
        }
        return cp < 0x10000 ? 3 : 4;
    }

    /**
     * @param raw bytes that should be UTF-8 (anything else becomes U+FFFD)
     * @return the decoded text
     */
    static String decode(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
