package dev.stationd.daemon.it.reliability;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A dependency-free client run as another user (through {@code setpriv}) by
 * {@link AccessControlIT}, in one of two modes:
 *
 * <ul>
 *   <li>{@code AclProbe SOCKET HEXFRAME...}: prints {@code uid=N gid=N}, then one line per frame:
 *       {@code ACK}, {@code NAK CODE}, {@code TABLE NUM}, {@code ERR CODE} or {@code EOF} (the daemon
 *       closed: nothing more is sent); or {@code CONNECT_FAILED message}. The argument
 *       {@code WAIT_EOF} instead of a frame waits for the daemon to close and prints {@code EOF}.</li>
 *   <li>{@code AclProbe SOCKET --hold N HEXFRAME}: opens {@code N} connections, sends the frame on
 *       each and reads the first 4 bytes of the reply, prints
 *       {@code HOLD ack=A busy=B perm=P eof=E}, and keeps the connections open until its standard
 *       input is closed.</li>
 * </ul>
 * Only JDK classes, one class file, so it can be copied where an unprivileged user can read it.
 */
public final class AclProbe {
    private AclProbe() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(30_000);
                System.out.println("TIMEOUT");
                System.exit(3);
            } catch (InterruptedException e) {
                // done in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        String uid = "?";
        String gid = "?";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                uid = line.split("\\s+")[1];
            } else if (line.startsWith("Gid:")) {
                gid = line.split("\\s+")[1];
            }
        }
        System.out.println("uid=" + uid + " gid=" + gid);
        if (args.length > 1 && args[1].equals("--hold")) {
            watchdog.interrupt(); // held until the test closes our standard input
            hold(args[0], Integer.parseInt(args[2]), HexFormat.of().parseHex(args[3]));
            return;
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(args[0]));
        } catch (IOException e) {
            System.out.println("CONNECT_FAILED " + e.getMessage());
            return;
        }
        try (ch) {
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("WAIT_EOF")) {
                    System.out.println(read(ch, 1) == null ? "EOF" : "DATA");
                    return;
                }
                try {
                    ch.write(ByteBuffer.wrap(HexFormat.of().parseHex(args[i])));
                } catch (IOException e) { // EPIPE: the daemon closed
                    System.out.println("EOF");
                    return;
                }
                ByteBuffer head = read(ch, 4);
                if (head == null) {
                    System.out.println("EOF");
                    return;
                }
                String text = new String(head.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.equals("ACK\0")) {
                    System.out.println("ACK");
                } else if (text.equals("NAK\0")) {
                    ByteBuffer code = read(ch, 4);
                    System.out.println(code == null ? "EOF" : "NAK " + code.order(ByteOrder.nativeOrder()).getInt(0));
                } else {
                    int num = head.order(ByteOrder.nativeOrder()).getInt(0);
                    if (num < 0) {
                        System.out.println("ERR " + num);
                    } else {
                        System.out.println(read(ch, num * 176) == null ? "EOF" : "TABLE " + num);
                    }
                }
            }
        }
    }

    private static void hold(String socket, int n, byte[] frame) throws IOException {
        java.util.List<SocketChannel> held = new java.util.ArrayList<>();
        int ack = 0;
        int busy = 0;
        int perm = 0;
        int eof = 0;
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            held.add(ch);
            try {
                ch.write(ByteBuffer.wrap(frame));
            } catch (IOException e) {
                // EPIPE: refused and closed before the frame went out; the refusal is still readable
            }
            ByteBuffer head = read(ch, 4);
            if (head == null) {
                eof++;
                continue;
            }
            int v = head.order(ByteOrder.nativeOrder()).getInt(0);
            String text = new String(head.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.equals("ACK\0")) {
                ack++;
            } else if (text.equals("NAK\0")) {
                ByteBuffer code = read(ch, 4);
                v = code == null ? 0 : code.order(ByteOrder.nativeOrder()).getInt(0);
            }
            if (v == -8) {
                busy++;
            } else if (v == -5) {
                perm++;
            }
        }
        System.out.println("HOLD ack=" + ack + " busy=" + busy + " perm=" + perm + " eof=" + eof);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our standard input
        }
        for (SocketChannel ch : held) {
            ch.close();
        }
    }

    /** @return exactly {@code n} bytes, or {@code null} at the end of the stream (a reset counts as one) */
    private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r;
            try {
                r = ch.read(b);
            } catch (IOException e) {
                r = -1;
            }
            if (r < 0) {
                return null;
            }
        }
        return b;
    }
}
