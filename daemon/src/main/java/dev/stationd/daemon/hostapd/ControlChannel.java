package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.logging.LogText;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to hostapd's control socket: a private client socket, bound and connected, that
 * carries requests, their replies and (once {@code ATTACH}ed) hostapd's events. Every method runs
 * on the event loop given at construction; nothing blocks. A channel is used once: when it fails
 * it closes, tells its {@link Listener} once, and ignores everything after; the link opens a new
 * one.
 *
 * <p><b>Requests and replies.</b> Requests go out in order from a FIFO queue, up to
 * {@link #MAX_IN_FLIGHT} before their replies are in: hostapd is single-threaded and answers
 * datagrams in the order they came, so the replies come in the order of the requests, and a
 * batch of them costs one wake-up of hostapd and of this loop instead of one each. A datagram
 * that starts with {@code <N>} is an event and goes to the listener as it comes; anything else is
 * the reply to the oldest outstanding request. A request without reply within
 * {@link #REQUEST_TIMEOUT_MS} of being sent fails the channel, so a late reply is never taken for
 * the reply to a later request.
 *
 * <p><b>Fences.</b> Replies can be empty ({@code STA-NEXT} past the end, {@code DENY_ACL SHOW}
 * of an empty list) and the transport does not deliver a zero-length datagram, so a request is
 * followed by a fence {@code PING}: its {@code PONG} says every reply before it is in, and a
 * {@code PONG} where the reply was expected means the reply was empty. Requests that only read
 * ({@link #query}) share one fence when they are queued during the same task of the loop (a
 * re-read asks about its stations in batches: one fence per batch, not per station). If fewer
 * replies than requests come before that {@code PONG}, some reply was empty and nothing says
 * which: each is asked again with a fence of its own (once per re-read: the last station's
 * {@code STA-NEXT}). Only reads may be asked twice, so only they share; and nothing is sent while
 * a shared fence is out, so the reads asked again are still answered in the order they were
 * queued. {@code PING} itself and {@code STA <mac>} (hostapd answers {@code FAIL} for a station
 * it does not know, never nothing) go without: on a busy access point {@code STA <mac>} follows
 * every connect, and a fence would double its datagrams.
 *
 * <p><b>Why one socket.</b> hostapd's own {@code wpa_ctrl} clients use two sockets, one for
 * requests and one {@code ATTACH}ed for events. Here one socket carries both because it keeps
 * hostapd's order: hostapd is single-threaded and writes replies and events to one socket in
 * the order things happened, so a reply saying a station is there and an
 * {@code AP-STA-DISCONNECTED} for it are handled in that order. With two sockets the two could be
 * read in either order and a station that just left could be put back until the next resync. The
 * {@code <N>} prefix, which no reply starts with, keeps the two apart.
 *
 * <p><b>Restarts.</b> The socket is connected, so only hostapd can send to it, and a send to a
 * hostapd that exited fails at once with {@code ECONNREFUSED} even when a new hostapd already
 * listens on the same path.
 *
 * <p>One class although past 400 lines (a fifth of them this comment): queue, fence, timeout and
 * failure are one state machine over one socket, and split apart they would share all its state.
 */
final class ControlChannel {
    /** How long a request may wait for its reply before the channel fails. */
    static final long REQUEST_TIMEOUT_MS = 5_000;
    /**
     * Most requests sent before their replies are in: replies of about 1 KB each stay far below
     * the socket's receive buffer, and a request queued behind a batch waits for at most this many.
     */
    static final int MAX_IN_FLIGHT = 16;
    /** hostapd's replies and events are at most 4096 bytes; one more shows truncation. */
    static final int RECV_SIZE = 4097;
    static final String PING = "PING";
    static final String PONG = "PONG";

    /** What the channel tells its owner; called on the event loop. */
    interface Listener {
        /** @param event an unsolicited event ({@code null} never) */
        void onEvent(CtrlEvent event);

        /**
         * The channel failed and is closed; called once, never after {@link #close}.
         *
         * @param channel the failed channel
         * @param reason one line for the log
         */
        void onFailure(ControlChannel channel, String reason);
    }

    /** The channel's life: connecting, open, closed (failed or closed by the owner). */
    enum State { CONNECTING, OPEN, CLOSED }

    /** How a request learns that its reply was empty. */
    private enum Fence {
        /** Its reply is never empty. */
        NONE,
        /** A read: one {@code PING} after the run of reads sent together. */
        SHARED,
        /** A {@code PING} of its own. */
        OWN
    }

    private record Request(String command, Fence fence, Consumer<String> onReply) {
    }

    /**
     * Requests that went out together ({@link System#nanoTime} of their sending): one request (and
     * its {@code PING} unless its fence is {@code NONE}), or a run of reads and their one {@code PING}.
     */
    private record Sent(List<Request> requests, Fence fence, long atNanos) {
        boolean fenced() {
            return fence != Fence.NONE;
        }

        /** @return whether its replies may have to be asked for again: nothing is sent after it until its fence */
        boolean shared() {
            return fence == Fence.SHARED && requests.size() > 1;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ControlChannel.class);

    private final EventLoop loop;
    private final Path ctrl;
    private final Path clientPath;
    private final String ifname;
    private final Listener listener;
    private final long requestTimeoutMs;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    /** Sent, oldest first; the replies come in this order. */
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    /** Requests in {@link #inFlight}. */
    private int inFlightRequests;
    /** Whether a run of reads shares a fence that is out: nothing more is sent until its {@code PONG}. */
    private boolean sharedFenceOut;
    /** Replies to the fenced run at the head of {@link #inFlight}, until its {@code PONG}. */
    private final List<String> heldReplies = new ArrayList<>();
    /**
     * Where a datagram is copied before it becomes a string: Netty's own conversion copies a reply of
     * more than 1 KB twice (a temporary array, then the string's), and a busy access point reads
     * thousands of them a second. Used on the event loop only.
     */
    private final byte[] received = new byte[RECV_SIZE];
    /** Whether a {@link #pump} is queued on the loop. */
    private boolean pumpQueued;
    private State state = State.CONNECTING;
    private Channel channel;
    /** Checks the oldest request's age; one timer however many requests go out. */
    private ScheduledFuture<?> timeout;

    /**
     * @param loop the event loop everything runs on
     * @param ctrl hostapd's control socket
     * @param clientPath where to bind the client socket (a stale file there is removed first)
     * @param ifname for log lines
     * @param listener gets the events and the failure
     */
    ControlChannel(EventLoop loop, Path ctrl, Path clientPath, String ifname, Listener listener) {
        this(loop, ctrl, clientPath, ifname, listener, REQUEST_TIMEOUT_MS);
    }

    /** As above, with another request timeout (tests). */
    ControlChannel(EventLoop loop, Path ctrl, Path clientPath, String ifname, Listener listener, long requestTimeoutMs) {
        this.loop = loop;
        this.ctrl = ctrl;
        this.clientPath = clientPath;
        this.ifname = ifname;
        this.listener = listener;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * Binds and connects the client socket.
     *
     * @param onOpen run once the socket is connected (not run if the connect fails: the listener
     *     hears of that)
     */
    @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR and EPOLL_MODE: still the 4.2 way to set them
    void open(Runnable onOpen) {
        deleteClientSocket();
        Bootstrap b = new Bootstrap().group(loop)
                .channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SIZE))
                .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                .handler(new Handler());
        ChannelFuture f;
        try {
            f = b.connect(new DomainSocketAddress(ctrl.toString()), new DomainSocketAddress(clientPath.toString()));
        } catch (RuntimeException e) {
            fail("cannot create the client socket " + clientPath + ": " + e);
            return;
        }
        f.addListener((ChannelFuture cf) -> {
            if (state != State.CONNECTING) {
                cf.channel().close();
                return;
            }
            if (!cf.isSuccess()) {
                cf.channel().close();
                fail(CtrlErrors.describeConnect(ctrl, cf.cause()));
                return;
            }
            channel = cf.channel();
            state = State.OPEN;
            onOpen.run();
        });
    }

    /** @return the event loop everything of this channel runs on */
    EventLoop loop() {
        return loop;
    }

    /** @return where the channel is in its life */
    State state() {
        return state;
    }

    /** @return whether no request is outstanding or queued */
    boolean idle() {
        return inFlight.isEmpty() && queue.isEmpty();
    }

    /**
     * Queues a request followed by a fence {@code PING} of its own.
     *
     * @param command e.g. {@code DENY_ACL ADD_MAC 02:00:00:00:00:01}
     * @param onReply gets the reply ({@code ""} when it was empty); not called if the channel fails first
     */
    void request(String command, Consumer<String> onReply) {
        enqueue(new Request(command, Fence.OWN, onReply));
    }

    /**
     * Queues a request that only reads: it may share its fence with the reads queued in the same
     * task, and may be sent twice.
     *
     * @param command e.g. {@code STA-NEXT 02:00:00:00:00:01}
     * @param onReply gets the reply ({@code ""} when it was empty); not called if the channel fails first
     */
    void query(String command, Consumer<String> onReply) {
        enqueue(new Request(command, Fence.SHARED, onReply));
    }

    /**
     * Queues {@code STA <mac>} without a fence: hostapd's reply is the station or {@code FAIL},
     * never empty.
     *
     * @param mac the station
     * @param onReply gets the reply
     */
    void requestStation(String mac, Consumer<String> onReply) {
        enqueue(new Request("STA " + mac, Fence.NONE, onReply));
    }

    /**
     * Queues a {@code PING} (not fenced: its reply is never empty).
     *
     * @param onReply gets the reply
     */
    void ping(Consumer<String> onReply) {
        enqueue(new Request(PING, Fence.NONE, onReply));
    }

    /**
     * Queues several requests back to back (nothing queued later runs between them) and hands
     * over all replies at once.
     *
     * @param commands the requests, in order
     * @param onReplies gets the replies in the same order; not called if the channel fails first
     */
    void requestAll(List<String> commands, Consumer<List<String>> onReplies) {
        if (commands.isEmpty()) {
            onReplies.accept(List.of());
            return;
        }
        List<String> replies = new ArrayList<>(commands.size());
        for (String c : commands) {
            request(c, reply -> {
                replies.add(reply);
                if (replies.size() == commands.size()) {
                    onReplies.accept(replies);
                }
            });
        }
    }

    /**
     * Closes the channel without telling the listener.
     *
     * @param detach whether to send {@code DETACH} first (when it is open)
     */
    void close(boolean detach) {
        State was = state;
        state = State.CLOSED;
        clear();
        Channel ch = channel;
        channel = null;
        if (ch == null) {
            return;
        }
        if (detach && was == State.OPEN && ch.isActive()) {
            ch.writeAndFlush(ascii(ch, "DETACH")).addListener(f -> ch.close());
        } else {
            ch.close();
        }
    }

    /** Removes the client socket's file (after {@link #close}, or a stale one). */
    void deleteClientSocket() {
        try {
            Files.deleteIfExists(clientPath);
        } catch (IOException e) {
            LOG.debug("hostapd {}: cannot remove {}: {}", ifname, clientPath, e.toString());
        }
    }

    private void fail(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        close(false);
        listener.onFailure(this, reason);
    }

    private void clear() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        queue.clear();
        inFlight.clear();
        inFlightRequests = 0;
        sharedFenceOut = false;
        heldReplies.clear();
    }

    private void enqueue(Request r) {
        if (state == State.CLOSED) {
            return;
        }
        queue.add(r);
        if (!pumpQueued) {
            // after the current task: what it queues meanwhile goes out with this one, under one fence
            pumpQueued = true;
            loop.execute(() -> {
                pumpQueued = false;
                pump();
            });
        }
    }

    private void pump() {
        boolean wrote = false;
        while (state == State.OPEN && !sharedFenceOut && inFlightRequests < MAX_IN_FLIGHT && !queue.isEmpty()) {
            Request first = queue.poll();
            long now = System.nanoTime();
            if (first.fence() == Fence.SHARED) {
                List<Request> run = new ArrayList<>();
                run.add(first);
                while (inFlightRequests + run.size() < MAX_IN_FLIGHT
                        && queue.peek() != null && queue.peek().fence() == Fence.SHARED) {
                    run.add(queue.poll());
                }
                Sent sent = new Sent(run, Fence.SHARED, now);
                send(sent);
                sharedFenceOut = sent.shared(); // one read alone is told apart like any fenced request
            } else {
                send(new Sent(List.of(first), first.fence(), now));
            }
            wrote = true;
        }
        if (wrote && state == State.OPEN) { // a send can fail at once and close the channel
            channel.flush();
            if (timeout == null) {
                armTimeout();
            }
        }
    }

    private void send(Sent sent) {
        inFlight.add(sent);
        inFlightRequests += sent.requests().size();
        for (Request r : sent.requests()) {
            write(r.command());
        }
        if (sent.fenced()) {
            write(PING);
        }
    }

    /** Fails the channel when the oldest request in flight has waited too long; else checks again then. */
    private void armTimeout() {
        Sent oldest = inFlight.peek();
        if (oldest == null || state != State.OPEN) {
            timeout = null;
            return;
        }
        long waited = System.nanoTime() - oldest.atNanos();
        long left = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs) - waited;
        if (left <= 0) {
            timeout = null;
            fail("no reply to " + verb(oldest.requests().get(0).command()) + " within " + requestTimeoutMs
                    + " ms (hostapd hung?)");
            return;
        }
        timeout = loop.schedule(this::armTimeout, left, TimeUnit.NANOSECONDS);
    }

    private void write(String command) {
        if (state != State.OPEN) {
            return;
        }
        LOG.trace("hostapd {}: > {}", ifname, command);
        channel.write(ascii(channel, command)).addListener(f -> {
            if (!f.isSuccess()) {
                fail("cannot send " + verb(command) + ": " + CtrlErrors.describeSend(f.cause()));
            }
        });
    }

    private void onDatagram(String text) {
        if (state != State.OPEN) {
            return;
        }
        if (CtrlEvent.isEvent(text)) {
            if (LOG.isTraceEnabled()) { // escaping a datagram per event is not free
                LOG.trace("hostapd {}: event {}", ifname, LogText.escape(text));
            }
            listener.onEvent(CtrlEvent.parse(text));
            return;
        }
        if (LOG.isTraceEnabled()) { // brief() copies the reply: once per reply on a busy access point
            LOG.trace("hostapd {}: < {}", ifname, brief(text));
        }
        Sent sent = inFlight.peek();
        if (sent == null) {
            LOG.debug("hostapd {}: reply without request: {}", ifname, brief(text));
            return;
        }
        List<Request> run = sent.requests();
        if (!sent.fenced()) {
            done(sent);
            deliver(run.get(0), text);
        } else if (!text.startsWith(PONG)) {
            if (heldReplies.size() == run.size()) {
                fail("out-of-step reply to " + verb(run.get(run.size() - 1).command()) + ": " + brief(text));
                return;
            }
            heldReplies.add(text);
        } else {
            fenceReached(sent);
        }
        pump();
    }

    /** The {@code PONG} of the fenced run at the head: every reply of the run that was not empty is in. */
    private void fenceReached(Sent sent) {
        List<Request> run = sent.requests();
        List<String> replies = List.copyOf(heldReplies);
        heldReplies.clear();
        if (sent.shared()) {
            sharedFenceOut = false;
        }
        done(sent);
        if (replies.size() == run.size()) {
            for (int i = 0; i < run.size() && state == State.OPEN; i++) {
                deliver(run.get(i), replies.get(i));
            }
        } else if (run.size() == 1) {
            deliver(run.get(0), ""); // the reply was empty and did not reach us
        } else {
            LOG.debug("hostapd {}: {} of {} replies before a shared fence; asking each again with its own", ifname,
                    replies.size(), run.size());
            for (int i = run.size() - 1; i >= 0; i--) { // to the front, in their order
                Request r = run.get(i);
                queue.addFirst(new Request(r.command(), Fence.OWN, r.onReply()));
            }
        }
    }

    private void done(Sent sent) {
        inFlight.poll();
        inFlightRequests -= sent.requests().size();
    }

    private void deliver(Request r, String reply) {
        try {
            r.onReply().accept(reply);
        } catch (RuntimeException e) {
            LOG.warn("hostapd {}: handling the reply to {} failed", ifname, verb(r.command()), e);
        }
    }

    /** A command in a buffer of the channel's own (direct) allocator, which the transport sends without another copy. */
    private static ByteBuf ascii(Channel ch, String s) {
        return ByteBufUtil.writeAscii(ch.alloc(), s);
    }

    /** @return the first word of a command, for log lines (never a MAC) */
    static String verb(String command) {
        int sp = command.indexOf(' ');
        return sp < 0 ? command : command.substring(0, sp);
    }

    /**
     * @param reply a reply
     * @return its first line, at most 80 characters, escaped ({@link LogText}), for log lines
     */
    static String brief(String reply) {
        String s = reply.strip();
        if (s.isEmpty()) {
            return "(empty)";
        }
        int nl = s.indexOf('\n');
        String first = nl >= 0 ? s.substring(0, nl) : s;
        return LogText.escape(first, 77) + (nl >= 0 && first.length() <= 77 ? " ..." : "");
    }

    /** Inbound datagrams of this channel's socket. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf content;
                if (msg instanceof DomainDatagramPacket p) {
                    content = p.content();
                } else if (msg instanceof ByteBuf b) {
                    content = b;
                } else {
                    return;
                }
                if (content.readableBytes() >= RECV_SIZE) {
                    LOG.warn("hostapd {}: datagram of more than {} bytes, truncated", ifname, RECV_SIZE - 1);
                }
                int n = Math.min(content.readableBytes(), received.length);
                content.getBytes(content.readerIndex(), received, 0, n);
                onDatagram(new String(received, 0, n, StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("control connection closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("control socket error: " + cause);
        }
    }
}
