package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void addressOfPathAndAbstractName() {
        assertEquals("/run/systemd/notify", SdNotify.address("/run/systemd/notify").path());
        assertEquals("\0name/x", SdNotify.address("@name/x").path());
        assertThrows(IllegalArgumentException.class, () -> SdNotify.address("relative"));
        assertThrows(IllegalArgumentException.class, () -> SdNotify.address("@"));
    }

    @Test
    void disabledWithoutNotifySocket() {
        SdNotify n = SdNotify.fromEnvironment(Map.of());
        assertFalse(n.enabled());
        n.ready("x");
        n.reloading();
        n.stopping("x");
        n.watchdog();
        assertTrue(n.sendAndWait("X=1", Duration.ofMillis(10)));
        n.close();
        assertFalse(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled());
        assertFalse(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "not/absolute")).enabled());
        // Nobody listening: off, and no exception.
        assertFalse(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("none").toString())).enabled());
    }

    @Test
    void sendsToPathAndAbstractSockets() throws Exception {
        for (String name : new String[] {dir.resolve("notify").toString(), "\0stationd-unit-" + UUID.randomUUID()}) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            try {
                Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
                                got.add(msg.content().toString(StandardCharsets.UTF_8));
                            }
                        }).bind(new DomainSocketAddress(name)).sync().channel();
                String env = name.startsWith("\0") ? "@" + name.substring(1) : name;
                try (SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", env))) {
                    assertTrue(n.enabled());
                    n.ready("serving");
                    assertEquals("READY=1\nSTATUS=serving", got.poll(5, TimeUnit.SECONDS));
                    n.reloading();
                    String reloading = got.poll(5, TimeUnit.SECONDS);
                    assertTrue(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading);
                    n.status("serving");          // unchanged: not sent
                    n.status("busy");
                    assertEquals("STATUS=busy", got.poll(5, TimeUnit.SECONDS));
                    n.stopping("bye");
                    assertEquals("STOPPING=1\nSTATUS=bye", got.poll(5, TimeUnit.SECONDS));
                }
                ch.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void monotonicClockIsPositiveAndIncreasing() {
        long a = SdNotify.monotonicUsec();
        long b = SdNotify.monotonicUsec();
        assertTrue(a > 0 && b >= a);
    }
}
