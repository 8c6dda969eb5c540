package dev.stationd.protocol.client;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.Reply;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Java client of stationd over a Unix stream socket (Netty native epoll).
 *
 * <p>Requests may be pipelined on one connection; replies are matched in request order. Every
 * request has a timeout ({@link #DEFAULT_TIMEOUT}, like the seed's {@code CLI_TIME_OUT}); a
 * timed-out request closes the connection, since a late reply could not be matched any more.
 * The client (re)connects on demand, so it also works against a one-shot server that closes
 * after every reply: requests left unanswered by such a close are sent again on a new connection
 * (up to {@link #MAX_RESENDS} times each, within the request's timeout; a {@code FILTER_DEL} or
 * {@code STA_KICK} only when the server had answered on that connection, since repeating one is
 * not harmless).
 *
 * <p>Transport: this class and {@link EventSender} need Netty's native epoll transport
 * ({@code netty-transport-classes-epoll} and {@code netty-transport-native-epoll} for the
 * platform), which this artifact declares optional: add them to use the client; the records and
 * codecs alone need neither.
 *
 * <p>Thread-safe. Asynchronous methods return futures failing with {@link StationdException};
 * blocking methods throw it. Future callbacks and subscription listeners run on the client's
 * event loop: call only the asynchronous methods there (blocking ones and {@link #close()}
 * throw {@link IllegalStateException} instead of waiting for themselves).
 *
 * <p>This class is the public API only, and is long because every command has an asynchronous
 * and a blocking form, each documented; the connection work is in {@link RequestPipeline} and
 * {@link Subscriber}.
 */
public final class StationClient implements AutoCloseable {
    /** Default per-request timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** How often one request may be resent after a server closed the connection unanswered. */
    public static final int MAX_RESENDS = 64;

    private final DomainSocketAddress address;
    private final Duration timeout;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final RequestPipeline requests;
    private volatile boolean closed;

    private StationClient(Path socket, Duration timeout, EventLoopGroup group, boolean ownsGroup) {
        this.address = new DomainSocketAddress(socket.toString());
        this.timeout = timeout;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.loop = group.next();
        this.requests = new RequestPipeline(address, timeout, loop);
    }

    /**
     * A client with its own one-thread event loop and the default timeout. Connects lazily.
     *
     * @param socket the daemon's stream socket
     * @return the client
     */
    public static StationClient open(Path socket) {
        return open(socket, DEFAULT_TIMEOUT);
    }

    /**
     * @param socket the daemon's stream socket
     * @param timeout per-request timeout
     * @return a client with its own one-thread event loop
     */
    public static StationClient open(Path socket, Duration timeout) {
        return new StationClient(socket, timeout, new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()), true);
    }

    /**
     * @param socket the daemon's stream socket
     * @param timeout per-request timeout
     * @param group an epoll event loop group owned by the caller
     * @return a client using {@code group}
     */
    public static StationClient open(Path socket, Duration timeout, EventLoopGroup group) {
        return new StationClient(socket, timeout, group, false);
    }

    // ---- asynchronous API -------------------------------------------------------------

    /**
     * Sends any command.
     *
     * @param cmd the command
     * @return the raw reply (a {@link Reply.Table} or {@link Reply.Ack}); errors fail the future
     */
    public CompletableFuture<Reply> send(CloudCmdAttr cmd) {
        return requests.send(cmd);
    }

    /**
     * {@code STA_LIST}.
     *
     * @param query selectors and paging
     * @return the stations, sorted by MAC
     */
    public CompletableFuture<List<StaListAttr>> listAsync(ListQuery query) {
        CloudCmdAttr cmd = new CloudCmdAttr(Command.STA_LIST, 0, query.groupId(), MacAddress.ZERO, query.flags(),
                query.offset(), query.maxEntries(), query.ifname());
        return send(cmd).thenApply(r -> ((Reply.Table) r).records());
    }

    /**
     * {@code STA_GET}.
     *
     * @param mac the station
     * @return the station, or {@code null} when absent
     */
    public CompletableFuture<StaListAttr> getAsync(MacAddress mac) {
        return send(CloudCmdAttr.forMac(Command.STA_GET, mac, 0)).thenApply(r -> {
            List<StaListAttr> records = ((Reply.Table) r).records();
            return records.isEmpty() ? null : records.get(0);
        });
    }

    /**
     * {@code FILTER_ADD}; idempotent.
     *
     * @param groupId the group
     * @param mac the station
     * @return completes when the filter is on the daemon's disk
     */
    public CompletableFuture<Void> filterAddAsync(int groupId, MacAddress mac) {
        return send(CloudCmdAttr.forMac(Command.FILTER_ADD, mac, groupId)).thenApply(r -> null);
    }

    /**
     * {@code FILTER_DEL}.
     *
     * @param groupId the group
     * @param mac the station
     * @return completes when removed; fails with {@code E_NOENT} when there was no such filter
     */
    public CompletableFuture<Void> filterDelAsync(int groupId, MacAddress mac) {
        return send(CloudCmdAttr.forMac(Command.FILTER_DEL, mac, groupId)).thenApply(r -> null);
    }

    /**
     * {@code FILTER_FLUSH}.
     *
     * @param groupId the group, 0 = all groups
     * @return completes when flushed
     */
    public CompletableFuture<Void> filterFlushAsync(int groupId) {
        return send(new CloudCmdAttr(Command.FILTER_FLUSH, 0, groupId, MacAddress.ZERO, 0, 0, 0, ""))
                .thenApply(r -> null);
    }

    /**
     * {@code FILTER_ADD} with a lifetime: a timed filter that ends by itself. Adding a filter that
     * exists replaces its expiry (the last add wins).
     *
     * @param groupId the group
     * @param mac the station
     * @param lifetime how long the filter holds ({@link Duration#ZERO} = permanent); a fraction of a
     *     second is rounded up, so the filter never ends earlier than asked
     * @return completes when durable
     * @throws IllegalArgumentException for a negative lifetime or one beyond {@code u32} seconds
     */
    public CompletableFuture<Void> filterAddAsync(int groupId, MacAddress mac, Duration lifetime) {
        return send(CloudCmdAttr.forMac(Command.FILTER_ADD, mac, groupId).withLifetime(seconds(lifetime)))
                .thenApply(r -> null);
    }

    /**
     * {@code FILTER_DUMP}.
     *
     * @param groupId the group, 0 = every group
     * @param offset records to skip
     * @param maxEntries at most this many, 0 = no limit
     * @return the filters sorted by (group, MAC), with their expiry and whether the station is present
     */
    public CompletableFuture<List<FilterAttr>> filterDumpAsync(int groupId, long offset, long maxEntries) {
        return send(new CloudCmdAttr(Command.FILTER_DUMP, 0, groupId, MacAddress.ZERO, 0, offset, maxEntries, ""))
                .thenApply(r -> ((Reply.FilterTable) r).records());
    }

    /**
     * {@code STA_KICK} of one station: disconnects it from the hostapd BSS that holds it.
     *
     * @param mac the station (not zero)
     * @param ban how long it stays filtered afterwards in its group ({@link Duration#ZERO} = no ban);
     *     rounded up to whole seconds
     * @return completes when kicked (and the ban is durable); fails with {@code E_NOENT} when no
     *     followed hostapd holds the station
     */
    public CompletableFuture<Void> kickAsync(MacAddress mac, Duration ban) {
        if (mac == null || mac.isZero()) {
            throw new IllegalArgumentException("kick needs a non-zero MAC; use kickAllAsync for a group");
        }
        return send(CloudCmdAttr.forMac(Command.STA_KICK, mac, 0).withLifetime(seconds(ban))).thenApply(r -> null);
    }

    /**
     * {@code STA_KICK} of every station a followed hostapd holds in a group and / or on an interface,
     * in one request.
     *
     * @param groupId the group, 0 = any
     * @param ifname the interface, {@code ""} = any (not both "any")
     * @param ban how long each kicked station stays filtered in its group ({@link Duration#ZERO} = no ban)
     * @return completes when kicked (and the bans are durable)
     */
    public CompletableFuture<Void> kickAllAsync(int groupId, String ifname, Duration ban) {
        return send(new CloudCmdAttr(Command.STA_KICK, 0, groupId, MacAddress.ZERO, 0, 0, 0, ifname, seconds(ban)))
                .thenApply(r -> null);
    }

    /** @return one record per filter */
    public CompletableFuture<List<StaListAttr>> filterListAsync() {
        return send(CloudCmdAttr.of(Command.FILTER_LIST)).thenApply(r -> ((Reply.Table) r).records());
    }

    /** @return completes when the daemon answers */
    public CompletableFuture<Void> pingAsync() {
        return send(CloudCmdAttr.of(Command.PING)).thenApply(r -> null);
    }

    // ---- blocking API -----------------------------------------------------------------

    /**
     * {@code STA_LIST}, waiting for the reply.
     *
     * @param query selectors and paging
     * @return the stations, sorted by MAC
     * @throws StationdException when the daemon answers with an error or the transport fails
     */
    public List<StaListAttr> list(ListQuery query) {
        return await(listAsync(query));
    }

    /**
     * {@code STA_GET}, waiting for the reply.
     *
     * @param mac the station
     * @return the station, or {@code null} when absent
     * @throws StationdException when the daemon answers with an error or the transport fails
     */
    public StaListAttr get(MacAddress mac) {
        return await(getAsync(mac));
    }

    /**
     * {@code FILTER_ADD}, returning once the filter is on the daemon's disk.
     *
     * @param groupId the group
     * @param mac the station
     * @throws StationdException when the daemon answers with an error or the transport fails
     */
    public void filterAdd(int groupId, MacAddress mac) {
        await(filterAddAsync(groupId, mac));
    }

    /**
     * {@code FILTER_DEL}.
     *
     * @param groupId the group
     * @param mac the station
     * @throws StationdException {@code E_NOENT} when there was no such filter, or another failure
     */
    public void filterDel(int groupId, MacAddress mac) {
        await(filterDelAsync(groupId, mac));
    }

    /**
     * {@code FILTER_FLUSH}.
     *
     * @param groupId the group, 0 = all groups
     * @throws StationdException when the daemon answers with an error or the transport fails
     */
    public void filterFlush(int groupId) {
        await(filterFlushAsync(groupId));
    }

    /**
     * @param groupId group
     * @param mac station
     * @param lifetime see {@link #filterAddAsync(int, MacAddress, Duration)}
     */
    public void filterAdd(int groupId, MacAddress mac, Duration lifetime) {
        await(filterAddAsync(groupId, mac, lifetime));
    }

    /** @return one record per filter */
    public List<StaListAttr> filterList() {
        return await(filterListAsync());
    }

    /** @return every filter with its expiry, sorted by (group, MAC) */
    public List<FilterAttr> filterDump() {
        return await(filterDumpAsync(0, 0, 0));
    }

    /**
     * @param groupId group, 0 = every group
     * @param offset records to skip
     * @param maxEntries at most this many, 0 = no limit
     * @return the page of filters
     */
    public List<FilterAttr> filterDump(int groupId, long offset, long maxEntries) {
        return await(filterDumpAsync(groupId, offset, maxEntries));
    }

    /**
     * @param mac station
     * @param ban see {@link #kickAsync(MacAddress, Duration)}
     */
    public void kick(MacAddress mac, Duration ban) {
        await(kickAsync(mac, ban));
    }

    /** @param mac station, kicked without a ban */
    public void kick(MacAddress mac) {
        await(kickAsync(mac, Duration.ZERO));
    }

    /**
     * @param groupId group, 0 = any
     * @param ifname interface, {@code ""} = any
     * @param ban see {@link #kickAllAsync}
     */
    public void kickAll(int groupId, String ifname, Duration ban) {
        await(kickAllAsync(groupId, ifname, ban));
    }

    /** Round trip to the daemon. */
    public void ping() {
        await(pingAsync());
    }

    /**
     * Opens a dedicated subscription connection: after the daemon's ACK every table change is
     * passed to {@code listener} on the client's event loop, in the order the table applied them.
     * To miss nothing: subscribe first, then list.
     *
     * @param listener receives events (must not block)
     * @return the subscription; its {@link Subscription#acked()} completes on the ACK
     */
    public Subscription subscribe(Consumer<StaEvent> listener) {
        return Subscriber.open(loop, address, timeout, listener);
    }

    /**
     * Closes the connection; pending requests fail with {@link StationdException.Kind#CLOSED}.
     * Shuts down the event loop if the client created it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (loop.inEventLoop()) {
            throw new IllegalStateException("close() must not be called from the client's own event loop "
                    + "(a future callback or subscription listener): it would wait for itself");
        }
        closed = true;
        try {
            requests.close().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // best effort: the loop is going away anyway
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** @return {@code d} in whole seconds, rounded up, as a {@code u32} {@code lifetime_s} */
    static long seconds(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("lifetime must be >= 0: " + d);
        }
        long whole = d.getSeconds();
        if (whole > CloudCmdAttr.U32_MAX || (whole == CloudCmdAttr.U32_MAX && d.getNano() > 0)) {
            throw new IllegalArgumentException("lifetime " + d + " is more than " + CloudCmdAttr.U32_MAX + " seconds");
        }
        return whole + (d.getNano() > 0 ? 1 : 0);
    }

    private <T> T await(CompletableFuture<T> f) {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("blocking call from the client's own event loop (a future callback "
                    + "or subscription listener) would wait forever: use the async methods there");
        }
        try {
            return f.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof StationdException se) {
                throw se;
            }
            throw new StationdException(StationdException.Kind.IO, null, String.valueOf(c), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StationdException(StationdException.Kind.IO, null, "interrupted", e);
        }
    }

    /** A live subscription; close it to stop receiving events. */
    public static final class Subscription implements AutoCloseable {
        private final Channel channel;
        private final CompletableFuture<Void> acked;

        Subscription(Channel channel, CompletableFuture<Void> acked) {
            this.channel = channel;
            this.acked = acked;
        }

        /** @return completes when the daemon acknowledged the subscription */
        public CompletableFuture<Void> acked() {
            return acked;
        }

        /** @return completes when the subscription connection is closed (by either side) */
        public CompletableFuture<Void> closed() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            channel.closeFuture().addListener(x -> f.complete(null));
            return f;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }
}
