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
 * {@link AccessControlIT}: {@code AclProbe SOCKET HEXFRAME...}. Prints {@code uid=N gid=N}, then
 * one line per frame: {@code ACK}, {@code NAK CODE}, {@code TABLE NUM}, {@code ERR CODE} or
 * {@code EOF}; or {@code CONNECT_FAILED message}. Only JDK classes, one class file, so it can be
 * copied where an unprivileged user can read it.
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
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(args[0]));
        } catch (IOException e) {
            System.out.println("CONNECT_FAILED " + e.getMessage());
            return;
        }
        try (ch) {
            for (int i = 1; i < args.length; i++) {
                ch.write(ByteBuffer.wrap(HexFormat.of().parseHex(args[i])));
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

    private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return null;
            }
        }
        return b;
    }
}
