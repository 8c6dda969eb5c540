package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.persist.HostapdDenyFile;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which deny-list entries stationd added on each interface, kept durably in
 * {@link HostapdDenyFile} so that stationd still knows them after a restart.
 *
 * <p>Saves run on a thread of their own ({@code stationd-hostapd-state}), never on the links'
 * event loop, since an fsync may block. Changes that come while a save runs are saved together
 * by the next one. A caller can wait for the save that holds its change (stationd records an
 * entry before it adds it to hostapd's list, so the file never misses an entry that is on a
 * list). A save that fails is logged and the callers are still told: enforcing filters matters
 * more than the record of it; the next change tries again.
 *
 * <p>A file that cannot be read or is corrupt is logged and treated as empty: stationd then
 * leaves the entries it cannot prove its own alone, as it did before the file existed.
 */
final class DenyLedger implements AutoCloseable {
    /** The writer thread's name. */
    static final String THREAD_NAME = "stationd-hostapd-state";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(DenyLedger.class);

    private final HostapdDenyFile file;
    private final ExecutorService writer;
    /** What the next save writes. */
    private final Map<String, Set<MacAddress>> entries = new HashMap<>();
    /** What the last successful save wrote. */
    private Map<String, Set<MacAddress>> saved = Map.of();
    private List<Runnable> waiting = new ArrayList<>();
    private boolean scheduled;
    private boolean closed;
    private String lastFailure;
    private volatile long saves;

    private DenyLedger(HostapdDenyFile file, Map<String, Set<MacAddress>> loaded) {
        this.file = file;
        this.entries.putAll(loaded);
        this.saved = Map.copyOf(loaded);
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the file (blocking: call before the links start).
     *
     * @param file the file
     * @return the ledger
     */
    static DenyLedger open(HostapdDenyFile file) {
        Map<String, Set<MacAddress>> loaded;
        try {
            loaded = file.load();
        } catch (IOException e) {
            LOG.warn("hostapd: cannot use {} ({}); deny-list entries stationd added before are left alone"
                    + " as if someone else had added them", file.path(), e.getMessage());
            loaded = Map.of();
        }
        return new DenyLedger(file, loaded);
    }

    /**
     * @param ifname an interface
     * @return the entries recorded for it
     */
    synchronized Set<MacAddress> entries(String ifname) {
        return entries.getOrDefault(ifname, Set.of());
    }

    /** @return how many saves succeeded (any thread) */
    long saves() {
        return saves;
    }

    /**
     * Records the entries stationd manages on {@code ifname}.
     *
     * @param ifname the interface
     * @param macs all of its entries
     * @param onSaved run (on the writer thread: hand real work to your own executor) once a save
     *     that holds this change is over, whether it succeeded or not
     */
    synchronized void record(String ifname, Set<MacAddress> macs, Runnable onSaved) {
        if (macs.isEmpty()) {
            entries.remove(ifname);
        } else {
            entries.put(ifname, Set.copyOf(macs));
        }
        if (closed) {
            LOG.debug("hostapd: {} closed; {} not saved", file.path(), ifname);
            return;
        }
        waiting.add(onSaved);
        if (!scheduled) {
            scheduled = true;
            writer.execute(this::save);
        }
    }

    private void save() {
        Map<String, Set<MacAddress>> snapshot;
        List<Runnable> callers;
        synchronized (this) {
            snapshot = Map.copyOf(entries);
            callers = waiting;
            waiting = new ArrayList<>();
            scheduled = false;
        }
        if (!snapshot.equals(saved)) {
            try {
                file.save(snapshot);
                saved = snapshot;
                saves++;
                if (lastFailure != null) {
                    LOG.info("hostapd: {} saved again", file.path());
                    lastFailure = null;
                }
            } catch (IOException | RuntimeException e) {
                String what = e.toString();
                if (!what.equals(lastFailure)) {
                    LOG.warn("hostapd: cannot save {} ({}); deny-list entries added now may stay on hostapd's list"
                            + " if their filter is deleted while stationd is stopped", file.path(), what);
                    lastFailure = what;
                }
            }
        }
        for (Runnable r : callers) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("hostapd: after saving {}", file.path(), e);
            }
        }
    }

    /** Finishes the saves already asked for (briefly) and stops the writer thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("hostapd: {} not saved within {}", file.path(), CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
