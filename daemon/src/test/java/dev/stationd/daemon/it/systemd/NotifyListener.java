package dev.stationd.daemon.it.systemd;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What systemd does for {@code Type=notify}: a Unix datagram socket that collects the
 * daemon's {@code sd_notify} messages, bound at a path or at an abstract name.
 */
final class NotifyListener implements AutoCloseable {
    /** One datagram. @param nanos System.nanoTime() at receipt @param text its content */
    record Message(long nanos, String text) {
        boolean has(String assignment) {
            return text.lines().anyMatch(assignment::equals);
        }

        String value(String key) {
            return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElse(null);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final List<Message> messages = new ArrayList<>();
    private final Channel channel;
    private final String env;

    private NotifyListener(String bindName, String env) throws InterruptedException {
        this.env = env;
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
                        String text = msg.content().toString(StandardCharsets.UTF_8);
                        synchronized (messages) {
                            messages.add(new Message(System.nanoTime(), text));
                            messages.notifyAll();
                        }
                    }
                }).bind(new DomainSocketAddress(bindName)).sync().channel();
    }

    /** @param path where to bind @return a listener whose NOTIFY_SOCKET is the path */
    static NotifyListener atPath(Path path) throws InterruptedException {
        return new NotifyListener(path.toString(), path.toString());
    }

    /** @param name abstract name (without @) @return a listener whose NOTIFY_SOCKET is {@code @name} */
    static NotifyListener abstractName(String name) throws InterruptedException {
        return new NotifyListener("\0" + name, "@" + name);
    }

    /** @return the value for NOTIFY_SOCKET */
    String notifySocket() {
        return env;
    }

    /** @return every message so far */
    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** @return messages containing the assignment, e.g. {@code WATCHDOG=1} */
    List<Message> with(String assignment) {
        return messages().stream().filter(m -> m.has(assignment)).toList();
    }

    /**
     * Waits for the first message (at or after index {@code from}) matching.
     *
     * @return the message
     */
    Message await(int from, Predicate<Message> p, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (messages) {
            while (true) {
                for (int i = from; i < messages.size(); i++) {
                    if (p.test(messages.get(i))) {
                        return messages.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + deadline + "; got " + messages);
                }
                TimeUnit.NANOSECONDS.timedWait(messages, left);
            }
        }
    }

    /** @return the first message with {@code assignment} (from index 0) */
    Message await(String assignment, Duration deadline) throws InterruptedException {
        return await(0, m -> m.has(assignment), deadline, assignment);
    }

    /** @return number of messages so far */
    int size() {
        synchronized (messages) {
            return messages.size();
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
