package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.logging.LogText;
import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.protocol.MacAddress;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of one hostapd control socket (one BSS): connect, {@code PING}, {@code ATTACH},
 * read the BSS ({@link BssStations}: SSID, band, every station) and its deny list
 * ({@link DenyListEnforcer}), then UP: follow events, {@code PING} every {@link #PING_INTERVAL_MS},
 * re-read everything every resync period. On any failure: close, retry with backoff
 * ({@link #MIN_BACKOFF_MS} doubling to {@link #MAX_BACKOFF_MS}), logging once per change of the
 * reason; after being gone longer than {@code table.expire_after} the interface's stations are
 * flushed. Each connection is one {@link ControlChannel}; a failed one is never reused.
 *
 * <p>Every method but the read-only accessors runs on the link's event loop.
 */
final class HostapdLink implements ControlChannel.Listener {
    static final long PING_INTERVAL_MS = 1_000;
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(HostapdLink.class);

    private final HostapdSource source;
    private final HostapdConfig cfg;
    private final String ifname;
    private final Path clientPath;
    private final EventLoop loop;
    private final BssStations stations;
    private final DenyListEnforcer enforcer;

    private volatile LinkState state = LinkState.DOWN;
    private ControlChannel channel;
    private ScheduledFuture<?> retryTask;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> resyncTask;
    private ScheduledFuture<?> flushTask;
    private long backoffMs = MIN_BACKOFF_MS;
    /** Why the link is down, {@code null} while it is up. */
    private volatile String problem;
    private boolean everUp;
    /** An established connection (one that got past connect) was lost since the link was last up. */
    private boolean lost;
    private long downSinceNanos = -1;
    private volatile long reconnects;
    /** Kicks whose {@code DEAUTHENTICATE} requests are queued or in flight on the channel. */
    private final Set<KickRound> kicks = new LinkedHashSet<>();

    HostapdLink(HostapdSource source, HostapdConfig cfg, Path clientPath, EventLoop loop, DenyLedger ledger) {
        this.source = source;
        this.cfg = cfg;
        this.ifname = cfg.ifname();
        this.clientPath = clientPath;
        this.loop = loop;
        this.enforcer = new DenyListEnforcer(ifname, cfg.groupId(), cfg.enforceFilters(), loop, this::hasStation,
                ledger.entries(ifname), (ours, onSaved) -> ledger.record(ifname, ours, () -> onLoop(onSaved)));
        this.stations = new BssStations(source, cfg, enforcer::stationPresent);
    }

    private boolean hasStation(MacAddress mac) {
        return stations.contains(mac);
    }

    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("hostapd {}: event loop stopped", ifname);
        }
    }

    // ---------------------------------------------------------------- read-only view (any thread)

    /** @return the interface (BSS) name */
    String ifname() {
        return ifname;
    }

    /** @return where the link is */
    LinkState state() {
        return state;
    }

    /** @return how often the link came up again after losing an established connection */
    long reconnects() {
        return reconnects;
    }

    /** @return the number of this BSS's stations in the table */
    int stations() {
        return stations.size();
    }

    /** @return why the link is not up ({@code null} while up or before the first attempt) */
    String problem() {
        return problem;
    }

    /** @return the deny-list enforcer */
    DenyListEnforcer enforcer() {
        return enforcer;
    }

    // ---------------------------------------------------------------- life cycle

    void start() {
        filtersChanged();
        connect();
    }

    void stop() {
        LinkState was = state;
        state = LinkState.STOPPED;
        cancelTimers();
        cancel(retryTask);
        cancel(flushTask);
        stations.connectionLost();
        abortKicks();
        enforcer.stop();
        ControlChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close(was != LinkState.CONNECTING);
            ch.deleteClientSocket();
        }
        LOG.debug("hostapd {}: stopped", ifname);
    }

    /** Picks up the source's current filters. */
    void filtersChanged() {
        if (state != LinkState.STOPPED) {
            enforcer.filtersChanged(source.filters());
        }
    }

    private void connect() {
        if (state == LinkState.STOPPED) {
            return;
        }
        state = LinkState.CONNECTING;
        ControlChannel ch = new ControlChannel(loop, cfg.ctrl(), clientPath, ifname, this);
        channel = ch;
        ch.open(() -> handshake(ch));
    }

    private void handshake(ControlChannel ch) {
        state = LinkState.SYNCING;
        ch.ping(reply -> {
            if (!reply.startsWith(ControlChannel.PONG)) {
                failed(ch, "unexpected reply to PING: " + ControlChannel.brief(reply));
                return;
            }
            ch.request("ATTACH", reply2 -> {
                if (!reply2.startsWith("OK")) {
                    failed(ch, "ATTACH refused: " + ControlChannel.brief(reply2));
                    return;
                }
                // hostapd answers again: it is back, whatever happens next
                cancel(flushTask);
                downSinceNanos = -1;
                stations.refreshBss(ch, () -> stations.walk(ch, false, () -> enforcer.attach(ch, () -> becomeUp(ch))));
            });
        });
    }

    private void becomeUp(ControlChannel ch) {
        if (ch != channel) {
            return;
        }
        backoffMs = MIN_BACKOFF_MS;
        if (problem != null || !everUp) {
            LOG.info("hostapd {}: attached to {} (ssid '{}', band {}, {} stations{})", ifname, cfg.ctrl(),
                    LogText.escape(stations.ssid()), stations.band().label(), stations.size(),
                    cfg.enforceFilters() ? ", enforcing filters" : "");
        }
        if (lost) {
            reconnects++;
            lost = false;
        }
        problem = null;
        everUp = true;
        state = LinkState.UP; // last: whoever sees UP from another thread also sees the counters and problem of it
        pingTask = loop.scheduleAtFixedRate(this::pingTick, PING_INTERVAL_MS, PING_INTERVAL_MS, TimeUnit.MILLISECONDS);
        scheduleResync();
    }

    @Override
    public void onFailure(ControlChannel ch, String reason) {
        failed(ch, reason);
    }

    /** Drops connection {@code ch} (if still current) and retries. */
    private void failed(ControlChannel ch, String reason) {
        if (ch != channel || state == LinkState.STOPPED) {
            return;
        }
        boolean wasUp = state == LinkState.UP || state == LinkState.SYNCING;
        lost |= wasUp;
        cancelTimers();
        ch.close(false);
        stations.connectionLost();
        abortKicks();
        enforcer.detach();
        state = LinkState.DOWN;
        if (downSinceNanos < 0 && (wasUp || stations.size() > 0)) {
            downSinceNanos = System.nanoTime();
            long ms = source.expireAfter().toMillis();
            flushTask = loop.schedule(this::flushIfStillGone, ms, TimeUnit.MILLISECONDS);
        }
        if (!reason.equals(problem)) {
            if (wasUp) {
                LOG.warn("hostapd {}: lost: {}; reconnecting (stations kept for up to {}s)", ifname, reason,
                        source.expireAfter().toSeconds());
            } else {
                LOG.warn("hostapd {}: {}; retrying with backoff (every {}s at most)", ifname, reason,
                        MAX_BACKOFF_MS / 1000);
            }
            problem = reason;
        } else {
            LOG.debug("hostapd {}: still failing: {}", ifname, reason);
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        retryTask = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- kicks

    /**
     * @param mac one station, or zero for every station matching the selectors
     * @param group with a zero mac: the group, 0 = any
     * @param ifnameSel with a zero mac: the BSS, "" = any
     * @return the matching stations this BSS holds now (none unless connected: attached or syncing)
     */
    List<StationKicker.Target> holding(MacAddress mac, int group, String ifnameSel) {
        if (!connected()) {
            return List.of();
        }
        if (!mac.isZero()) {
            return stations.contains(mac) ? List.of(new StationKicker.Target(mac, cfg.groupId(), ifname)) : List.of();
        }
        if ((group != 0 && group != cfg.groupId()) || (!ifnameSel.isEmpty() && !ifnameSel.equals(ifname))) {
            return List.of();
        }
        List<StationKicker.Target> out = new ArrayList<>();
        for (MacAddress m : stations.macs()) {
            out.add(new StationKicker.Target(m, cfg.groupId(), ifname));
        }
        return out;
    }

    /**
     * Queues the {@code DEAUTHENTICATE} of every target of {@code round} at once (one round of
     * requests for the BSS); each confirmed station leaves the table (its
     * {@code AP-STA-DISCONNECTED} normally came first).
     */
    void kick(KickRound round) {
        if (!connected() || round.targets().isEmpty()) {
            round.abort();
            return;
        }
        kicks.add(round);
        round.done().whenComplete((r, t) -> kicks.remove(round));
        ControlChannel ch = channel;
        for (StationKicker.Target t : round.targets()) {
            ch.request("DEAUTHENTICATE " + t.mac(), reply -> {
                boolean ok = reply.startsWith("OK");
                if (ok) {
                    LOG.info("hostapd {}: station {} kicked", ifname, t.mac());
                    stations.left(t.mac());
                } else {
                    LOG.warn("hostapd {}: DEAUTHENTICATE {} for a kick failed: {}", ifname, t.mac(),
                            ControlChannel.brief(reply));
                }
                round.answered(t, ok);
            });
        }
    }

    /** Requests can go out: a walk in progress queues a kick behind its own requests. */
    private boolean connected() {
        return (state == LinkState.UP || state == LinkState.SYNCING) && channel != null
                && channel.state() == ControlChannel.State.OPEN;
    }

    /** The channel is gone and its queued requests with it: the kicks end with what was confirmed. */
    private void abortKicks() {
        for (KickRound r : List.copyOf(kicks)) {
            r.abort();
        }
        kicks.clear();
    }

    private void flushIfStillGone() {
        if (state == LinkState.UP || state == LinkState.STOPPED || downSinceNanos < 0) {
            return;
        }
        int n = stations.flush();
        LOG.warn("hostapd {}: gone for more than {}s; flushed its {} station(s)", ifname,
                source.expireAfter().toSeconds(), n);
    }

    private void pingTick() {
        ControlChannel ch = channel;
        if (state == LinkState.UP && ch.idle()) {
            ch.ping(reply -> {
                if (!reply.startsWith(ControlChannel.PONG)) {
                    failed(ch, "unexpected reply to PING: " + ControlChannel.brief(reply));
                }
            });
        }
    }

    private void scheduleResync() {
        cancel(resyncTask);
        long ms = source.resync().toMillis();
        // Up to a fifth early, at random: links that came up together would otherwise re-read all
        // their stations at the same moments, stalling the event loops together on a big access point.
        ms -= ThreadLocalRandom.current().nextLong(ms / 5 + 1);
        resyncTask = loop.schedule(() -> resync(true), ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Schedules the next re-read, then re-reads the BSS, the deny list and every station. A paced
     * walk of a big access point lasts minutes: the next period does not wait for it, so the deny
     * list (which hostapd loses on a reload) is still read every period, and a walk still running
     * then goes on alone (the next walk starts at the first period after it ended).
     *
     * @param paced whether the walk keeps to the shared pace (not when hostapd just enabled the BSS)
     */
    private void resync(boolean paced) {
        if (state != LinkState.UP) {
            return;
        }
        scheduleResync();
        ControlChannel ch = channel;
        stations.refreshBss(ch, () -> enforcer.resync(() -> stations.walk(ch, paced, () -> { })));
    }

    @Override
    public void onEvent(CtrlEvent e) {
        ControlChannel ch = channel;
        switch (e.name()) {
            case CtrlEvent.STA_CONNECTED -> {
                if (e.mac() != null) {
                    stations.query(ch, e.mac());
                }
            }
            case CtrlEvent.STA_DISCONNECTED -> {
                if (e.mac() != null) {
                    stations.left(e.mac());
                    enforcer.stationLeft(e.mac());
                }
            }
            case CtrlEvent.TERMINATING -> failed(ch, "hostapd is terminating");
            case CtrlEvent.AP_ENABLED, CtrlEvent.AP_DISABLED -> {
                if (state == LinkState.UP) {
                    cancel(resyncTask);
                    resync(false);
                }
            }
            default -> {
                // other events (EAP progress, WPS, ...) carry nothing for the table
            }
        }
    }

    private void cancelTimers() {
        cancel(pingTask);
        cancel(resyncTask);
        pingTask = null;
        resyncTask = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
