package dev.stationd.daemon.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sd_notify(3)} protocol without native helper libraries: each state change is one
 * datagram to {@code $NOTIFY_SOCKET}, sent through a connected {@link EpollDomainDatagramChannel}
 * on a private one-thread event loop (so a stuck server event loop cannot hold back
 * {@code STOPPING=1} or {@code STATUS=}).
 *
 * <p>{@code NOTIFY_SOCKET} is either an absolute path or an abstract socket name written as
 * {@code @name}, which becomes {@code "\0name"}. Without {@code NOTIFY_SOCKET} (not started by
 * systemd, or {@code Type=simple}) every method is a silent no-op. Sending never throws: a
 * notification that cannot be delivered is logged at debug level and dropped, as with
 * {@code sd_notify()}.
 */
public final class SdNotify implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);
    /** The environment variable systemd sets for {@code Type=notify} services. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    private static final SdNotify DISABLED = new SdNotify(null, null, null);

    private final String target;
    private final EventLoopGroup group;
    private final Channel channel;
    private ScheduledFuture<?> statusTask;
    private volatile String lastStatus;

    private SdNotify(String target, EventLoopGroup group, Channel channel) {
        this.target = target;
        this.group = group;
        this.channel = channel;
    }

    /** @return a notifier that does nothing */
    public static SdNotify disabled() {
        return DISABLED;
    }

    /**
     * Opens the notification socket named by {@code NOTIFY_SOCKET} in {@code env}.
     *
     * @param env the process environment
     * @return a connected notifier, or {@link #disabled()} when the variable is unset, empty or unusable
     */
    public static SdNotify fromEnvironment(Map<String, String> env) {
        String value = env.get(NOTIFY_SOCKET);
        if (value == null || value.isEmpty()) {
            return DISABLED;
        }
        DomainSocketAddress address;
        try {
            address = address(value);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring NOTIFY_SOCKET={}: {}", value, e.getMessage());
            return DISABLED;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stationd-notify", true),
                EpollIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(address).sync().channel();
            LOG.debug("sd_notify: connected to {}", value);
            return new SdNotify(value, group, ch);
        } catch (Exception e) {
            LOG.warn("cannot connect to NOTIFY_SOCKET={}: {}; systemd will not hear from this daemon", value, e.toString());
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            return DISABLED;
        }
    }

    /**
     * Turns a {@code NOTIFY_SOCKET} value into a socket address.
     *
     * @param value an absolute path, or {@code @name} for the abstract namespace
     * @return the address ({@code "\0name"} for an abstract name)
     * @throws IllegalArgumentException if the value is neither
     */
    public static DomainSocketAddress address(String value) {
        if (value.startsWith("@")) {
            if (value.length() < 2) {
                throw new IllegalArgumentException("empty abstract socket name");
            }
            return new DomainSocketAddress("\0" + value.substring(1));
        }
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException("neither an absolute path nor an @abstract name");
        }
        return new DomainSocketAddress(value);
    }

    /** @return whether notifications are sent */
    public boolean enabled() {
        return channel != null;
    }

    /**
     * Sends one notification, e.g. {@code "READY=1\nSTATUS=..."}; returns without waiting.
     *
     * @param state newline-separated {@code KEY=VALUE} assignments
     */
    public void send(String state) {
        sendFuture(state);
    }

    /**
     * Sends one notification and waits (at most {@code timeout}) until it is written.
     *
     * @param state newline-separated {@code KEY=VALUE} assignments
     * @param timeout how long to wait
     * @return whether it was written
     */
    public boolean sendAndWait(String state, Duration timeout) {
        ChannelFuture f = sendFuture(state);
        return f == null || (f.awaitUninterruptibly(timeout.toMillis()) && f.isSuccess());
    }

    private ChannelFuture sendFuture(String state) {
        if (channel == null) {
            return null;
        }
        if (!channel.isActive()) {
            LOG.debug("sd_notify: channel closed, dropping {}", oneLine(state));
            return null;
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        ChannelFuture f = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug("sd_notify to {} failed ({}): {}", target, oneLine(state), String.valueOf(done.cause()));
            } else if (LOG.isTraceEnabled()) {
                LOG.trace("sd_notify: {}", oneLine(state));
            }
        });
        return f;
    }

    /** {@code READY=1} plus a {@code STATUS=} line. @param status the status text */
    public void ready(String status) {
        lastStatus = status;
        send("READY=1\nSTATUS=" + status);
    }

    /**
     * {@code RELOADING=1} with {@code MONOTONIC_USEC=} (as {@code Type=notify-reload} needs),
     * waiting until it is written so it arrives before the {@code READY=1} that ends the reload.
     */
    public void reloading() {
        sendAndWait("RELOADING=1\nMONOTONIC_USEC=" + monotonicUsec() + "\nSTATUS=reloading configuration",
                Duration.ofSeconds(1));
    }

    /** {@code STOPPING=1}, waiting until it is written. @param status the status text */
    public void stopping(String status) {
        sendAndWait("STOPPING=1\nSTATUS=" + status, Duration.ofSeconds(1));
    }

    /** {@code WATCHDOG=1}. */
    public void watchdog() {
        send("WATCHDOG=1");
    }

    /** {@code STATUS=} when it differs from the last one sent. @param status the status text */
    public void status(String status) {
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            send("STATUS=" + status);
        }
    }

    /**
     * Refreshes {@code STATUS=} every {@code period} (only sent when the text changed).
     *
     * @param status supplies the current status text
     * @param period how often to look
     */
    public synchronized void refreshStatus(Supplier<String> status, Duration period) {
        if (channel == null || statusTask != null) {
            return;
        }
        statusTask = channel.eventLoop().scheduleAtFixedRate(() -> {
            try {
                status(status.get());
            } catch (RuntimeException e) {
                LOG.debug("status refresh failed", e);
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The value for {@code MONOTONIC_USEC=}: {@code CLOCK_MONOTONIC} in microseconds. HotSpot on
     * Linux implements {@link System#nanoTime()} with {@code clock_gettime(CLOCK_MONOTONIC)}.
     *
     * @return microseconds on the monotonic clock
     */
    public static long monotonicUsec() {
        return System.nanoTime() / 1000;
    }

    /** Closes the notification socket (after the writes in flight). */
    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        if (statusTask != null) {
            statusTask.cancel(false);
        }
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }
}
