package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.table.MacLongMap;
import dev.stationd.daemon.table.MacRecordMap;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stations of one BSS as hostapd lists them, and their records in the station table: the
 * BSS's SSID and band ({@code GET_CONFIG}, {@code STATUS}), the full walk
 * ({@code STA-FIRST}/{@code STA-NEXT}) that adds what is listed and removes what is not, single
 * stations read on {@code AP-STA-CONNECTED}, removal on {@code AP-STA-DISCONNECTED}, and the flush
 * when hostapd stays away. Runs on the link's event loop.
 *
 * <p><b>The walk.</b> {@code STA-NEXT <mac>} answers the station after {@code <mac>} in hostapd's
 * list ({@code FAIL} when {@code <mac>} is not in it, nothing after the last). Asked of every
 * station already known, the replies do not depend on one another, so they go out in batches of
 * {@link #WALK_BATCH} instead of one round trip per station: on an access point with thousands of
 * stations the round trips, not the parsing, were the cost. A pause of {@link #WALK_PAUSE_MS}
 * after each full batch leaves the event loop to the clients it serves too (about 3,000 stations
 * a second at most): read without pauses, a BSS of 2,000 stations held the loop for a few
 * hundred milliseconds in a row and a table reply written meanwhile waited for it. A periodic
 * re-read is paced further by the {@link ResyncPace} all interfaces share; the walk after a
 * (re)connect, or after hostapd enabled the BSS, repairs the table and is not (it also speeds up
 * a paced walk already running).
 *
 * <p>Every station of the list is the successor of the one before it, so {@code STA-FIRST} and
 * the successors of every station read cover the list: a successor not known yet is asked
 * {@code STA-NEXT} in turn (the first walk, with nothing known, goes one station after the other,
 * without pauses). A station whose own {@code STA-NEXT} is answered (a successor or nothing) is
 * in the list, even when the one before it left and so did not name it; one answered
 * {@code FAIL} is not. Stations known but neither read nor confirmed are removed at the end. A
 * station that joins while the walk runs comes with its {@code AP-STA-CONNECTED}; one never
 * announced whose predecessor leaves while the walk runs is found by the next walk.
 */
final class BssStations {
    /** Most stations one walk reads before it gives up (guards against a list that never ends). */
    static final int MAX_WALK = 1 << 20;
    /** Walk requests sent together: enough to share round trips, few enough that a connect's read is not held up. */
    static final int WALK_BATCH = 8;
    /** Pause between batches of a walk. */
    static final long WALK_PAUSE_MS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(BssStations.class);

    /** One walk in progress. */
    private static final class Walk {
        /** In {@link #marks}: asked {@code STA-NEXT} of, or queued to be. */
        private static final long ASKED = 1;
        /** In {@link #marks}: in hostapd's list as read by this walk (or added while it runs). */
        private static final long SEEN = 2;
        /** What the walk knows of each station: {@link #ASKED}, {@link #SEEN}, or both. */
        final MacLongMap marks;
        /** Stations marked {@link #ASKED}. */
        int asked;
        /** Stations to ask next. */
        final ArrayDeque<MacAddress> toAsk = new ArrayDeque<>();
        /** Requests sent and not answered yet ({@code STA-FIRST} included). */
        int inFlight;
        /** Requests of the last batch sent ({@code STA-FIRST} included): only a full batch is followed by a pause. */
        int lastBatch;
        /** The pause before the next step while it runs, else {@code null}. */
        ScheduledFuture<?> pause;
        /** What the walk does when its pause is over. */
        Runnable afterPause;
        /** Whether batches wait for their place in the {@link ResyncPace}. */
        boolean paced;
        final Runnable then;

        /** @param marks the map to use, emptied (the BSS's, reused walk after walk) */
        Walk(MacLongMap marks, boolean paced, Runnable then) {
            marks.reset();
            this.marks = marks;
            this.paced = paced;
            this.then = then;
        }

        /** @return whether {@code mac} was not asked yet (it is now) */
        boolean markAsked(MacAddress mac) {
            long m = marks.get(mac, 0);
            if ((m & ASKED) != 0) {
                return false;
            }
            marks.put(mac, m | ASKED);
            asked++;
            return true;
        }

        void seen(MacAddress mac, boolean listed) {
            long m = marks.get(mac, 0);
            long n = listed ? m | SEEN : m & ~SEEN;
            if (n != m) { // a station that left and was never part of the walk gets no entry
                marks.put(mac, n);
            }
        }

        boolean wasSeen(long mac) {
            return (marks.get(mac, 0) & SEEN) != 0;
        }
    }

    private final HostapdSource source;
    private final HostapdConfig cfg;
    private final String ifname;
    private final Consumer<MacAddress> onPresent;
    /** Stations this BSS put in the table, by MAC. */
    private final MacRecordMap known = new MacRecordMap();
    private volatile int count;
    private int seq;
    private String ssid = "";
    private Band band = Band.UNKNOWN;
    private Walk walk;
    /** The walks' marks, kept between walks: a BSS of 2,000 stations would otherwise grow a new map each time. */
    private final MacLongMap walkMarks = new MacLongMap();

    /**
     * @param source the table and the ownership of MACs between interfaces
     * @param cfg the interface
     * @param onPresent told of every connected station read (to enforce filters on it)
     */
    BssStations(HostapdSource source, HostapdConfig cfg, Consumer<MacAddress> onPresent) {
        this.source = source;
        this.cfg = cfg;
        this.ifname = cfg.ifname();
        this.onPresent = onPresent;
    }

    /** @return the number of stations of this BSS in the table (any thread) */
    int size() {
        return count;
    }

    /** @return whether the station is connected to this BSS as last read */
    boolean contains(MacAddress mac) {
        return known.containsKey(mac);
    }

    /** @return the MACs of the stations connected to this BSS as last read (a copy) */
    List<MacAddress> macs() {
        List<MacAddress> macs = new ArrayList<>(known.size());
        known.forEach(r -> macs.add(r.mac()));
        return macs;
    }

    /** @return the BSS's SSID as last read */
    String ssid() {
        return ssid;
    }

    /** @return the BSS's band as last read */
    Band band() {
        return band;
    }

    /**
     * Reads the SSID and band.
     *
     * @param ch the connection
     * @param then run once both replies are in
     */
    void refreshBss(ControlChannel ch, Runnable then) {
        String[] getConfig = {""};
        ch.query("GET_CONFIG", reply -> getConfig[0] = failed(reply) ? "" : reply);
        ch.query("STATUS", reply -> {
            String status = failed(reply) ? "" : reply;
            String newSsid = CtrlText.ssid(getConfig[0], status, ifname);
            Band newBand = CtrlText.band(status);
            if (!newSsid.equals(ssid) || newBand != band) {
                LOG.debug("hostapd {}: ssid '{}', band {}", ifname, newSsid, newBand.label());
            }
            ssid = newSsid;
            band = newBand;
            then.run();
        });
    }

    private static boolean failed(String reply) {
        return reply.startsWith("FAIL") || reply.startsWith("UNKNOWN");
    }

    /**
     * Reads every station; at the end of a complete walk removes the stations no longer listed.
     * If a walk already runs, {@code then} runs at once (and an unpaced call takes that walk's
     * pace off).
     *
     * @param ch the connection
     * @param paced whether the walk keeps to the {@link ResyncPace} (a periodic re-read)
     * @param then run when the walk is over
     */
    void walk(ControlChannel ch, boolean paced, Runnable then) {
        Walk running = walk;
        if (running != null) {
            if (!paced && running.paced) {
                running.paced = false;
                if (running.pause != null) {
                    running.pause.cancel(false);
                    resume(running);
                }
            }
            then.run();
            return;
        }
        Walk w = new Walk(walkMarks, paced, then);
        walk = w;
        known.forEach(r -> ask(w, r.mac()));
        pauseThen(ch, w, 0, () -> {
            w.inFlight++;
            ch.query("STA-FIRST", reply -> {
                if (walk == w) {
                    w.inFlight--;
                    found(ch, w, reply);
                }
            });
            sendBatch(ch, w);
        });
    }

    private void ask(Walk w, MacAddress mac) {
        if (w.markAsked(mac)) {
            w.toAsk.add(mac);
        }
    }

    /** After a reply: once the batch is answered, the next one after a pause, or the end of the walk. */
    private void sendNext(ControlChannel ch, Walk w) {
        if (walk != w || w.inFlight > 0 || w.pause != null) {
            return;
        }
        if (w.toAsk.isEmpty()) {
            endWalk(w, true);
            return;
        }
        if (w.lastBatch < WALK_BATCH) {
            sendBatch(ch, w); // one station after the other: each waits for a round trip anyway
            return;
        }
        pauseThen(ch, w, TimeUnit.MILLISECONDS.toNanos(WALK_PAUSE_MS), () -> sendBatch(ch, w));
    }

    /** Runs {@code step} after {@code nanos}, or later if the walk is paced and the pace says so. */
    private void pauseThen(ControlChannel ch, Walk w, long nanos, Runnable step) {
        long wait = nanos;
        if (w.paced) {
            wait = Math.max(wait, source.resyncPace().reserve(Math.min(WALK_BATCH, w.toAsk.size()), System.nanoTime()));
        }
        if (wait <= 0) {
            step.run();
            return;
        }
        w.afterPause = step;
        w.pause = ch.loop().schedule(() -> resume(w), wait, TimeUnit.NANOSECONDS);
    }

    private void resume(Walk w) {
        Runnable step = w.afterPause;
        w.pause = null;
        w.afterPause = null;
        if (walk == w && step != null) {
            step.run();
        }
    }

    private void sendBatch(ControlChannel ch, Walk w) {
        if (walk != w) {
            return;
        }
        while (w.inFlight < WALK_BATCH && !w.toAsk.isEmpty()) {
            MacAddress mac = w.toAsk.poll();
            w.inFlight++;
            ch.query("STA-NEXT " + mac, reply -> {
                if (walk != w) {
                    return;
                }
                w.inFlight--;
                if (reply.startsWith("FAIL")) {
                    w.seen(mac, false); // not in the list (any more)
                } else {
                    w.seen(mac, true); // hostapd found it to say what comes after it
                }
                found(ch, w, reply);
            });
        }
        w.lastBatch = w.inFlight; // sent only with none in flight, or after STA-FIRST alone
    }

    /** A {@code STA-FIRST}/{@code STA-NEXT} reply: the station it names is listed. */
    private void found(ControlChannel ch, Walk w, String reply) {
        StaInfo info;
        try {
            info = StaInfo.parse(reply);
        } catch (IllegalArgumentException e) {
            LOG.warn("hostapd {}: cannot parse station reply ({}); walk abandoned", ifname, ControlChannel.brief(reply));
            endWalk(w, false);
            return;
        }
        if (info != null) {
            if (w.asked >= MAX_WALK) {
                LOG.warn("hostapd {}: station list does not end (at {}); walk abandoned", ifname, info.mac());
                endWalk(w, false);
                return;
            }
            w.seen(info.mac(), true);
            apply(info);
            ask(w, info.mac());
        }
        sendNext(ch, w);
    }

    private void endWalk(Walk w, boolean complete) {
        walk = null;
        if (complete) {
            List<MacAddress> gone = new ArrayList<>();
            known.forEach(r -> {
                if (!w.wasSeen(r.macValue())) {
                    gone.add(r.mac());
                }
            });
            for (MacAddress mac : gone) {
                left(mac);
            }
            if (!gone.isEmpty()) {
                LOG.debug("hostapd {}: {} station(s) no longer listed: removed", ifname, gone.size());
            }
        }
        w.then.run();
    }

    /**
     * Reads one station ({@code STA <mac>}) and adds or updates it.
     *
     * @param ch the connection
     * @param mac the station
     */
    void query(ControlChannel ch, MacAddress mac) {
        ch.requestStation(mac.toString(), reply -> {
            StaInfo info;
            try {
                info = StaInfo.parse(reply);
            } catch (IllegalArgumentException ex) {
                LOG.warn("hostapd {}: cannot parse STA {} reply ({})", ifname, mac, ControlChannel.brief(reply));
                return;
            }
            if (info != null && info.mac().equals(mac)) {
                apply(info);
            }
        });
    }

    private void apply(StaInfo info) {
        MacAddress mac = info.mac();
        if (!info.connected()) {
            left(mac);
            return;
        }
        StaListAttr prev = known.get(mac);
        StaListAttr attr = info.toAttr(ifname, ssid, cfg.groupId(), band,
                System.currentTimeMillis(), prev == null ? 0 : prev.assocTimeMs());
        known.put(attr);
        count = known.size();
        if (walk != null) {
            walk.seen(mac, true);
        }
        source.table().apply(StaEvent.upsert(seq++, attr));
        if (prev == null && LOG.isDebugEnabled()) { // flagNames() builds a set: not for nothing per join
            LOG.debug("hostapd {}: station {} {}", ifname, mac, info.flagNames());
        }
        onPresent.accept(mac);
    }

    /**
     * The station left (or is no longer listed): removes its record if this BSS still owns it.
     *
     * @param mac the station
     */
    void left(MacAddress mac) {
        boolean had = known.remove(mac) != null;
        count = known.size();
        if (walk != null) {
            walk.seen(mac, false);
        }
        if (had) {
            source.table().removeIfOn(mac, ifname); // unless it moved to another BSS meanwhile
        }
    }

    /** The connection is gone: a walk in progress is abandoned (its replies never come). */
    void connectionLost() {
        walk = null;
    }

    /**
     * Removes every station of this interface from the table.
     *
     * @return how many this BSS had
     */
    int flush() {
        int n = known.size();
        known.clear();
        count = 0;
        source.table().apply(StaEvent.flush(seq++, ifname));
        return n;
    }
}
