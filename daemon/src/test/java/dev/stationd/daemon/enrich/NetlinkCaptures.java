package dev.stationd.daemon.enrich;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The captured netlink datagrams ({@code enrich/netlink/*.hex}) and the frames the native receive call makes of them. */
final class NetlinkCaptures {
    private NetlinkCaptures() {
    }

    /** @return the datagrams of a capture, in order */
    static List<byte[]> datagrams(String name) {
        try (InputStream in = NetlinkCaptures.class.getResourceAsStream("/enrich/netlink/" + name)) {
            assertNotNull(in, name);
            List<byte[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(HexFormat.of().parseHex(line.strip()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param datagrams datagrams; an empty one stands for the ENOBUFS marker
     * @return them framed as {@code NetlinkSocket.receive} writes them: host-order length, bytes, padding to 4
     */
    static ByteBuffer frames(List<byte[]> datagrams) {
        int size = 0;
        for (byte[] d : datagrams) {
            size += NetlinkSocket.FRAME_HEADER + NlMsgHdr.align(d.length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        for (byte[] d : datagrams) {
            b.putInt(d.length).put(d);
            b.position(b.position() + NlMsgHdr.align(d.length) - d.length);
        }
        return b.flip();
    }

    /** @return every message parsed from the capture; fails on a malformed one */
    static List<RtnlMessage> parse(String name) {
        ByteBuffer b = frames(datagrams(name));
        List<RtnlMessage> out = new ArrayList<>();
        Rtnl.parseFrames(b, b.limit(), out::add, problem -> {
            throw new AssertionError("malformed: " + problem);
        });
        return out;
    }
}
