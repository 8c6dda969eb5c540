package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hostapd control socket (one BSS). Every method runs on the link's event loop; nothing here
 * blocks (the only file-system calls are unlinking and binding the link's own client socket).
 *
 * <h2>Requests and events on one socket</h2>
 * The client socket is connected to hostapd's control socket, so only hostapd can send to it and
 * a send to a hostapd that exited fails at once ({@code ECONNREFUSED}), even when a new hostapd
 * already listens on the same path: that is how restarts are noticed between two {@code PING}s.
 * Requests go out one at a time from a FIFO queue. Datagrams starting with {@code <N>} are events
 * and are handled as they come; anything else is the reply to the one outstanding request.
 * Replies can be empty ({@code STA-NEXT} past the end, {@code DENY_ACL SHOW} of an empty list),
 * and a zero-length datagram may not be delivered by the transport at all, so every request
 * except {@code PING} is followed by a fence {@code PING}: a {@code PONG} arriving where the reply
 * was expected means the reply was empty. A request without reply within {@link #REQUEST_TIMEOUT_MS}
 * drops the connection (late replies cannot then be mistaken for later ones).
 *
 * <h2>Life cycle</h2>
 * connect, {@code PING}, {@code ATTACH}, {@code GET_CONFIG} + {@code STATUS} (SSID, band), walk
 * ({@code STA-FIRST}/{@code STA-NEXT}), {@code DENY_ACL SHOW} (when enforcing), then UP: {@code PING}
 * every {@link #PING_INTERVAL_MS}, full re-walk every resync period. On any failure: close, retry
 * with backoff ({@link #MIN_BACKOFF_MS} doubling to {@link #MAX_BACKOFF_MS}), logging once per
 * change of the reason; after being gone longer than {@code table.expire_after} the interface's
 * stations are flushed.
 */
final class HostapdLink {
    static final long REQUEST_TIMEOUT_MS = 5_000;
    static final long PING_INTERVAL_MS = 1_000;
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;
    static final long ACL_RETRY_MS = 5_000;
    /** hostapd's replies and events are at most 4096 bytes; one more shows truncation. */
    static final int RECV_SIZE = 4097;
    /** Most stations one walk reads before it gives up (guards against a list that never ends). */
    static final int MAX_WALK = 1 << 20;
    private static final String PONG = "PONG";

    private enum State { CONNECTING, SYNCING, UP, DOWN, STOPPED }

    private record Request(String command, Consumer<String> onReply, boolean fenced) {
    }

    private final HostapdSource source;
    private final HostapdConfig cfg;
    private final String ifname;
    private final Path clientPath;
    private final EventLoop loop;
    private final Logger log;

    private volatile State state = State.DOWN;
    private int generation;
    private Channel channel;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private Request current;
    private boolean awaitingFence;
    private String heldReply;
    private ScheduledFuture<?> requestTimeout;
    private ScheduledFuture<?> retryTask;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> resyncTask;
    private ScheduledFuture<?> flushTask;
    private ScheduledFuture<?> aclRetryTask;
    private long backoffMs = MIN_BACKOFF_MS;
    private String lastProblem;
    private boolean everUp;
    private long downSinceNanos = -1;
    private int seq;

    private String getConfigReply = "";
    private String ssid = "";
    private Band band = Band.UNKNOWN;
    /** Stations this link put in the table, by MAC. */
    private final Map<MacAddress, StaListAttr> known = new HashMap<>();

    private boolean walking;
    private Set<MacAddress> walkSeen;
    private Set<MacAddress> walkPass;
    private int walkRestarts;

    /** MACs the filters want on this interface's deny list. */
    private Set<MacAddress> desired = Set.of();
    private FilterSet desiredFrom;
    /** hostapd's deny list as last known; {@code null} until read after (re)connecting. */
    private Set<MacAddress> denyList;
    /** Deny-list entries stationd added (or adopted because a filter wants them). */
    private final Set<MacAddress> ours = new HashSet<>();
    /** Deny-list entries stationd did not add: never removed by stationd. */
    private final Set<MacAddress> foreign = new HashSet<>();
    private final Set<MacAddress> aclInFlight = new HashSet<>();
    private final Set<MacAddress> deauthInFlight = new HashSet<>();
    private String lastAclProblem;
    /** hostapd answered {@code UNKNOWN COMMAND} to {@code DENY_ACL}: filtered stations are only deauthenticated. */
    private boolean aclUnsupported;

    HostapdLink(HostapdSource source, HostapdConfig cfg, Path clientPath, EventLoop loop) {
        this.source = source;
        this.cfg = cfg;
        this.ifname = cfg.ifname();
        this.clientPath = clientPath;
        this.loop = loop;
        this.log = LoggerFactory.getLogger(HostapdLink.class);
    }

    boolean isUp() {
        return state == State.UP;
    }

    // ---------------------------------------------------------------- life cycle

    void start() {
        filtersChanged();
        connect();
    }

    void stop() {
        State was = state;
        state = State.STOPPED;
        Channel ch = channel;
        if (ch != null && ch.isActive() && was != State.CONNECTING) {
            ch.writeAndFlush(ascii("DETACH")).addListener(f -> ch.close());
        } else if (ch != null) {
            ch.close();
        }
        channel = null;
        generation++;
        cancelTimers();
        cancel(retryTask);
        cancel(flushTask);
        queue.clear();
        current = null;
        deleteClientSocket();
        log.debug("hostapd {}: stopped", ifname);
    }

    @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR and EPOLL_MODE: still the 4.2 way to set them
    private void connect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTING;
        int gen = ++generation;
        deleteClientSocket();
        Bootstrap b = new Bootstrap().group(loop)
                .channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SIZE))
                .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                .handler(new Handler(gen));
        ChannelFuture f;
        try {
            f = b.connect(new DomainSocketAddress(cfg.ctrl().toString()),
                    new DomainSocketAddress(clientPath.toString()));
        } catch (RuntimeException e) {
            failed(gen, "cannot create the client socket " + clientPath + ": " + e);
            return;
        }
        f.addListener((ChannelFuture cf) -> {
            if (gen != generation || state == State.STOPPED) {
                cf.channel().close();
                return;
            }
            if (!cf.isSuccess()) {
                cf.channel().close();
                failed(gen, describeConnectFailure(cf.cause()));
                return;
            }
            channel = cf.channel();
            handshake(gen);
        });
    }

    private void handshake(int gen) {
        state = State.SYNCING;
        send("PING", false, reply -> {
            if (!reply.startsWith(PONG)) {
                failed(gen, "unexpected reply to PING: " + brief(reply));
                return;
            }
            send("ATTACH", reply2 -> {
                if (!reply2.startsWith("OK")) {
                    failed(gen, "ATTACH refused: " + brief(reply2));
                    return;
                }
                // hostapd answers again: it is back, whatever happens next
                cancel(flushTask);
                downSinceNanos = -1;
                refreshBss(() -> walk(() -> readDenyList(() -> becomeUp(gen))));
            });
        });
    }

    private void becomeUp(int gen) {
        if (gen != generation) {
            return;
        }
        state = State.UP;
        backoffMs = MIN_BACKOFF_MS;
        if (lastProblem != null || !everUp) {
            log.info("hostapd {}: attached to {} (ssid '{}', band {}, {} stations{})", ifname, cfg.ctrl(), ssid,
                    band.label(), known.size(), cfg.enforceFilters() ? ", enforcing filters" : "");
        }
        lastProblem = null;
        everUp = true;
        pingTask = loop.scheduleAtFixedRate(this::pingTick, PING_INTERVAL_MS, PING_INTERVAL_MS, TimeUnit.MILLISECONDS);
        scheduleResync();
    }

    /** Drops the connection of generation {@code gen} (if still current) and retries. */
    private void failed(int gen, String reason) {
        if (gen != generation || state == State.STOPPED) {
            return;
        }
        boolean wasUp = state == State.UP || state == State.SYNCING;
        generation++;
        cancelTimers();
        queue.clear();
        current = null;
        awaitingFence = false;
        walking = false;
        denyList = null;
        aclInFlight.clear();
        deauthInFlight.clear();
        if (channel != null) {
            channel.close();
            channel = null;
        }
        state = State.DOWN;
        if (downSinceNanos < 0 && (wasUp || !known.isEmpty())) {
            downSinceNanos = System.nanoTime();
            long ms = source.expireAfter().toMillis();
            flushTask = loop.schedule(this::flushIfStillGone, ms, TimeUnit.MILLISECONDS);
        }
        if (!reason.equals(lastProblem)) {
            if (wasUp) {
                log.warn("hostapd {}: lost: {}; reconnecting (stations kept for up to {}s)", ifname, reason,
                        source.expireAfter().toSeconds());
            } else {
                log.warn("hostapd {}: {}; retrying with backoff (every {}s at most)", ifname, reason,
                        MAX_BACKOFF_MS / 1000);
            }
            lastProblem = reason;
        } else {
            log.debug("hostapd {}: still failing: {}", ifname, reason);
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        retryTask = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void flushIfStillGone() {
        if (state == State.UP || state == State.STOPPED || downSinceNanos < 0) {
            return;
        }
        int n = known.size();
        known.clear();
        source.table().apply(StaEvent.flush(seq++, ifname));
        log.warn("hostapd {}: gone for more than {}s; flushed its {} station(s)", ifname,
                source.expireAfter().toSeconds(), n);
    }

    private void cancelTimers() {
        cancel(requestTimeout);
        cancel(pingTask);
        cancel(resyncTask);
        cancel(aclRetryTask);
        requestTimeout = null;
        pingTask = null;
        resyncTask = null;
        aclRetryTask = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void deleteClientSocket() {
        try {
            Files.deleteIfExists(clientPath);
        } catch (IOException e) {
            log.debug("hostapd {}: cannot remove {}: {}", ifname, clientPath, e.toString());
        }
    }

    private String describeConnectFailure(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (m.contains("No such file") || m.contains("ENOENT")) {
            return "control socket " + cfg.ctrl() + " does not exist (hostapd not running, or another ctrl_interface?)";
        }
        if (m.contains("Connection refused") || m.contains("ECONNREFUSED")) {
            return "nothing listens on " + cfg.ctrl() + " (hostapd not running)";
        }
        if (m.contains("Permission denied") || m.contains("EACCES")) {
            return "permission denied on " + cfg.ctrl()
                    + " (stationd's user must be in hostapd's ctrl_interface_group)";
        }
        return "cannot connect to " + cfg.ctrl() + ": " + t;
    }

    // ---------------------------------------------------------------- requests

    private void send(String command, Consumer<String> onReply) {
        send(command, true, onReply);
    }

    private void send(String command, boolean fenced, Consumer<String> onReply) {
        queue.add(new Request(command, onReply, fenced));
        pump();
    }

    private void pump() {
        if (current != null || channel == null || queue.isEmpty()) {
            return;
        }
        Request r = queue.poll();
        current = r;
        awaitingFence = false;
        heldReply = null;
        int gen = generation;
        write(gen, r.command());
        if (r.fenced()) {
            write(gen, "PING");
        }
        if (gen != generation) {
            return; // a send failed synchronously and dropped the connection
        }
        requestTimeout = loop.schedule(() -> failed(gen, "no reply to " + verb(r.command()) + " within "
                + REQUEST_TIMEOUT_MS / 1000 + "s (hostapd hung?)"), REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void write(int gen, String command) {
        if (gen != generation || channel == null) {
            return;
        }
        log.trace("hostapd {}: > {}", ifname, command);
        channel.writeAndFlush(ascii(command)).addListener(f -> {
            if (!f.isSuccess()) {
                failed(gen, "cannot send " + verb(command) + ": " + describeSendFailure(f.cause()));
            }
        });
    }

    private static String describeSendFailure(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (m.contains("Connection refused") || m.contains("ECONNREFUSED")) {
            return "hostapd exited";
        }
        return m;
    }

    private void onDatagram(int gen, String text) {
        if (gen != generation || state == State.STOPPED) {
            return;
        }
        if (CtrlEvent.isEvent(text)) {
            CtrlEvent e = CtrlEvent.parse(text);
            log.trace("hostapd {}: event {}", ifname, text);
            onEvent(e);
            return;
        }
        log.trace("hostapd {}: < {}", ifname, brief(text));
        Request r = current;
        if (r == null) {
            log.debug("hostapd {}: reply without request: {}", ifname, brief(text));
            return;
        }
        if (!r.fenced()) {
            complete(r, text);
        } else if (!awaitingFence) {
            if (text.startsWith(PONG)) {
                complete(r, ""); // the reply was empty and did not reach us; this is the fence
            } else {
                heldReply = text;
                awaitingFence = true;
            }
        } else if (text.startsWith(PONG)) {
            complete(r, heldReply);
        } else {
            failed(gen, "out-of-step reply to " + verb(r.command()) + ": " + brief(text));
        }
    }

    private void complete(Request r, String reply) {
        cancel(requestTimeout);
        requestTimeout = null;
        current = null;
        awaitingFence = false;
        heldReply = null;
        int gen = generation;
        try {
            r.onReply().accept(reply);
        } catch (RuntimeException e) {
            log.warn("hostapd {}: handling the reply to {} failed", ifname, verb(r.command()), e);
        }
        if (gen == generation) {
            pump();
        }
    }

    private void pingTick() {
        if (state == State.UP && current == null && queue.isEmpty()) {
            int gen = generation;
            send("PING", false, reply -> {
                if (!reply.startsWith(PONG)) {
                    failed(gen, "unexpected reply to PING: " + brief(reply));
                }
            });
        }
    }

    // ---------------------------------------------------------------- stations

    private void refreshBss(Runnable then) {
        send("GET_CONFIG", reply -> getConfigReply = reply.startsWith("FAIL") || reply.startsWith("UNKNOWN") ? "" : reply);
        send("STATUS", reply -> {
            String status = reply.startsWith("FAIL") || reply.startsWith("UNKNOWN") ? "" : reply;
            String newSsid = CtrlText.ssid(getConfigReply, status, ifname);
            Band newBand = CtrlText.band(status);
            if (!newSsid.equals(ssid) || newBand != band) {
                log.debug("hostapd {}: ssid '{}', band {}", ifname, newSsid, newBand.label());
            }
            ssid = newSsid;
            band = newBand;
            then.run();
        });
    }

    private void scheduleResync() {
        cancel(resyncTask);
        long ms = source.resync().toMillis();
        resyncTask = loop.schedule(this::resync, ms, TimeUnit.MILLISECONDS);
    }

    private void resync() {
        if (state != State.UP) {
            return;
        }
        refreshBss(() -> walk(() -> {
            reconcileAcl();
            scheduleResync();
        }));
    }

    private void walk(Runnable then) {
        if (walking) {
            then.run();
            return;
        }
        walking = true;
        walkSeen = new HashSet<>();
        walkPass = new HashSet<>();
        walkRestarts = 0;
        send("STA-FIRST", reply -> walkStep(reply, then));
    }

    private void walkStep(String reply, Runnable then) {
        if (!walking) {
            return;
        }
        StaInfo info;
        try {
            info = StaInfo.parse(reply);
        } catch (IllegalArgumentException e) {
            log.warn("hostapd {}: cannot parse station reply ({}); walk abandoned", ifname, brief(reply));
            endWalk(false, then);
            return;
        }
        if (info == null) {
            if (reply.startsWith("FAIL") && walkRestarts < 3) {
                // the station we asked STA-NEXT of left meanwhile: start over (what was read stays seen)
                walkRestarts++;
                walkPass = new HashSet<>();
                send("STA-FIRST", r -> walkStep(r, then));
                return;
            }
            endWalk(!reply.startsWith("FAIL"), then);
            return;
        }
        if (!walkPass.add(info.mac()) || walkPass.size() > MAX_WALK) {
            log.warn("hostapd {}: station list does not end (at {}); walk abandoned", ifname, info.mac());
            endWalk(false, then);
            return;
        }
        applyStation(info);
        send("STA-NEXT " + info.mac(), r -> walkStep(r, then));
    }

    private void endWalk(boolean complete, Runnable then) {
        walking = false;
        if (complete) {
            List<MacAddress> gone = new ArrayList<>();
            for (MacAddress mac : known.keySet()) {
                if (!walkSeen.contains(mac)) {
                    gone.add(mac);
                }
            }
            for (MacAddress mac : gone) {
                removeStation(mac);
            }
            if (!gone.isEmpty()) {
                log.debug("hostapd {}: {} station(s) no longer listed: removed", ifname, gone.size());
            }
        }
        walkSeen = null;
        walkPass = null;
        then.run();
    }

    private void applyStation(StaInfo info) {
        MacAddress mac = info.mac();
        if (!info.connected()) {
            removeStation(mac);
            return;
        }
        StaListAttr prev = known.get(mac);
        StaListAttr attr = info.toAttr(ifname, ssid, cfg.groupId(), band, System.currentTimeMillis(),
                prev == null ? 0 : prev.assocTimeMs());
        known.put(mac, attr);
        if (walking) {
            walkSeen.add(mac);
        }
        source.claim(mac, ifname);
        source.table().apply(StaEvent.upsert(seq++, attr));
        if (prev == null) {
            log.debug("hostapd {}: station {} {}", ifname, mac, info.flagNames());
        }
        if (cfg.enforceFilters() && desired.contains(mac)) {
            enforceOn(mac);
        }
    }

    private void removeStation(MacAddress mac) {
        boolean had = known.remove(mac) != null;
        if (walking) {
            walkSeen.remove(mac);
        }
        if (had && source.owns(mac, ifname)) {
            source.table().apply(StaEvent.remove(seq++, mac));
        }
    }

    private void onEvent(CtrlEvent e) {
        if (e == null) {
            return;
        }
        switch (e.name()) {
            case CtrlEvent.STA_CONNECTED -> {
                if (e.mac() != null) {
                    MacAddress mac = e.mac();
                    send("STA " + mac, reply -> {
                        StaInfo info;
                        try {
                            info = StaInfo.parse(reply);
                        } catch (IllegalArgumentException ex) {
                            log.warn("hostapd {}: cannot parse STA {} reply ({})", ifname, mac, brief(reply));
                            return;
                        }
                        if (info != null && info.mac().equals(mac)) {
                            applyStation(info);
                        }
                    });
                }
            }
            case CtrlEvent.STA_DISCONNECTED -> {
                if (e.mac() != null) {
                    removeStation(e.mac());
                    deauthInFlight.remove(e.mac());
                }
            }
            case CtrlEvent.TERMINATING -> failed(generation, "hostapd is terminating");
            case CtrlEvent.AP_ENABLED, CtrlEvent.AP_DISABLED -> {
                if (state == State.UP) {
                    cancel(resyncTask);
                    resync();
                }
            }
            default -> {
                // other events (EAP progress, WPS, ...) carry nothing for the table
            }
        }
    }

    // ---------------------------------------------------------------- filters

    /** Recomputes the deny set from the source's filters and pushes the difference. */
    void filtersChanged() {
        if (state == State.STOPPED) {
            return;
        }
        FilterSet fs = source.filters();
        if (fs == desiredFrom) {
            return;
        }
        desiredFrom = fs;
        Set<MacAddress> next = new LinkedHashSet<>();
        int group = cfg.groupId();
        for (FilterSet.Filter f : fs.sorted()) {
            if (f.groupId() == 0 || f.groupId() == group) {
                next.add(f.mac());
            }
        }
        Set<MacAddress> before = desired;
        desired = next;
        if (cfg.enforceFilters() && aclUnsupported && state == State.UP) {
            for (MacAddress mac : next) {
                if (!before.contains(mac) && known.containsKey(mac)) {
                    deauthenticate(mac);
                }
            }
            return;
        }
        if (!cfg.enforceFilters() || denyList == null) {
            return; // applied when the deny list is read after (re)connecting
        }
        reconcileAcl();
        for (MacAddress mac : next) {
            if (!before.contains(mac) && known.containsKey(mac)) {
                enforceOn(mac);
            }
        }
    }

    private void readDenyList(Runnable then) {
        if (!cfg.enforceFilters()) {
            then.run();
            return;
        }
        send("DENY_ACL SHOW", reply -> {
            if (reply.startsWith("UNKNOWN")) {
                // hostapd older than 2.7: no deny list to keep; filtered stations are still deauthenticated
                aclUnsupported = true;
                denyList = null;
                aclProblem("this hostapd has no DENY_ACL command; filtered stations are only deauthenticated");
                for (MacAddress mac : desired) {
                    if (known.containsKey(mac)) {
                        deauthenticate(mac);
                    }
                }
                then.run();
                return;
            }
            aclUnsupported = false;
            if (reply.startsWith("FAIL")) {
                aclProblem("DENY_ACL SHOW failed (" + brief(reply) + ")");
                denyList = null;
                scheduleAclRetry();
                then.run();
                return;
            }
            Set<MacAddress> list = CtrlText.aclList(reply);
            denyList = new HashSet<>(list);
            ours.retainAll(list); // a restarted hostapd starts from its own deny_mac_file
            List<MacAddress> newForeign = new ArrayList<>();
            for (MacAddress mac : list) {
                if (ours.contains(mac) || foreign.contains(mac)) {
                    continue;
                }
                if (desired.contains(mac)) {
                    ours.add(mac); // a filter wants it: stationd manages it from now on
                } else {
                    foreign.add(mac);
                    newForeign.add(mac);
                }
            }
            foreign.retainAll(list);
            if (!newForeign.isEmpty()) {
                log.info("hostapd {}: {} deny-list entr{} not added by stationd, left alone: {}", ifname,
                        newForeign.size(), newForeign.size() == 1 ? "y" : "ies", abbreviate(newForeign));
            }
            reconcileAcl();
            for (MacAddress mac : desired) {
                if (known.containsKey(mac)) {
                    enforceOn(mac);
                }
            }
            then.run();
        });
    }

    private void reconcileAcl() {
        if (!cfg.enforceFilters() || channel == null) {
            return;
        }
        if (denyList == null) {
            if (state == State.UP && aclRetryTask == null && !aclUnsupported) {
                readDenyList(() -> { });
            }
            return;
        }
        for (MacAddress mac : desired) {
            reconcileOne(mac);
        }
        for (MacAddress mac : new ArrayList<>(ours)) {
            reconcileOne(mac);
        }
    }

    private void reconcileOne(MacAddress mac) {
        if (denyList == null || aclInFlight.contains(mac)) {
            return;
        }
        boolean want = desired.contains(mac);
        boolean have = denyList.contains(mac);
        if (want && !have) {
            aclInFlight.add(mac);
            send("DENY_ACL ADD_MAC " + mac, reply -> {
                aclInFlight.remove(mac);
                if (reply.startsWith("OK")) {
                    denyList.add(mac);
                    ours.add(mac);
                    foreign.remove(mac);
                    log.info("hostapd {}: {} added to the deny list", ifname, mac);
                    if (desired.contains(mac) && known.containsKey(mac)) {
                        deauthenticate(mac);
                    }
                    aclOk();
                } else {
                    aclProblem("DENY_ACL ADD_MAC " + mac + " failed: " + brief(reply));
                    scheduleAclRetry();
                }
                reconcileOne(mac);
            });
        } else if (!want && have && ours.contains(mac)) {
            aclInFlight.add(mac);
            send("DENY_ACL DEL_MAC " + mac, reply -> {
                aclInFlight.remove(mac);
                if (reply.startsWith("OK")) {
                    denyList.remove(mac);
                    ours.remove(mac);
                    log.info("hostapd {}: {} removed from the deny list", ifname, mac);
                    aclOk();
                } else {
                    aclProblem("DENY_ACL DEL_MAC " + mac + " failed: " + brief(reply));
                    scheduleAclRetry();
                }
                reconcileOne(mac);
            });
        }
    }

    /** A filtered station is (or just came) on this interface: make sure it is denied and kicked. */
    private void enforceOn(MacAddress mac) {
        if (!cfg.enforceFilters()) {
            return;
        }
        if (aclUnsupported) {
            deauthenticate(mac);
            return;
        }
        if (denyList == null) {
            return; // done once the deny list has been read
        }
        if (denyList.contains(mac)) {
            deauthenticate(mac);
        } else {
            reconcileOne(mac); // its ADD_MAC reply deauthenticates
        }
    }

    private void deauthenticate(MacAddress mac) {
        if (!deauthInFlight.add(mac)) {
            return;
        }
        send("DEAUTHENTICATE " + mac, reply -> {
            if (reply.startsWith("OK")) {
                log.info("hostapd {}: filtered station {} deauthenticated", ifname, mac);
                // deauthInFlight is cleared by AP-STA-DISCONNECTED; if that never comes the resync retries
                loop.schedule(() -> deauthInFlight.remove(mac), ACL_RETRY_MS, TimeUnit.MILLISECONDS);
            } else {
                deauthInFlight.remove(mac);
                aclProblem("DEAUTHENTICATE " + mac + " failed: " + brief(reply));
                scheduleAclRetry();
            }
        });
    }

    private void scheduleAclRetry() {
        if (aclRetryTask != null && !aclRetryTask.isDone()) {
            return;
        }
        aclRetryTask = loop.schedule(() -> {
            aclRetryTask = null;
            if (state == State.UP) {
                reconcileAcl();
                for (MacAddress mac : desired) {
                    if (known.containsKey(mac)) {
                        enforceOn(mac);
                    }
                }
            }
        }, ACL_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private void aclProblem(String what) {
        if (!what.equals(lastAclProblem)) {
            log.warn("hostapd {}: {}; retrying every {}s", ifname, what, ACL_RETRY_MS / 1000);
            lastAclProblem = what;
        } else {
            log.debug("hostapd {}: {}", ifname, what);
        }
    }

    private void aclOk() {
        if (lastAclProblem != null) {
            log.info("hostapd {}: deny list updates work again", ifname);
            lastAclProblem = null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String verb(String command) {
        int sp = command.indexOf(' ');
        return sp < 0 ? command : command.substring(0, sp);
    }

    private static String brief(String reply) {
        String s = reply.strip();
        if (s.isEmpty()) {
            return "(empty)";
        }
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl) + " ...";
        }
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String abbreviate(List<MacAddress> macs) {
        if (macs.size() <= 8) {
            return macs.toString();
        }
        return macs.subList(0, 8) + " and " + (macs.size() - 8) + " more";
    }

    /** Inbound datagrams of one connection ({@code gen}). */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int gen;

        Handler(int gen) {
            this.gen = gen;
        }

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
                    log.warn("hostapd {}: datagram of more than {} bytes, truncated", ifname, RECV_SIZE - 1);
                }
                onDatagram(gen, content.toString(StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (gen == generation && state != State.STOPPED && state != State.DOWN) {
                failed(gen, "control connection closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (gen == generation && state != State.STOPPED) {
                failed(gen, "control socket error: " + cause);
            }
        }
    }
}
