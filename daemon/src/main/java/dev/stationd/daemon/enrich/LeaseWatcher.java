package dev.stationd.daemon.enrich;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Learner} up to date with the lease files, on a thread of its own, without
 * polling: the files' directories are watched with inotify ({@link WatchService}); a file is read
 * again once its changes have settled ({@link #SETTLE_MS} without a further event, so a writer's
 * burst of writes is read once, complete), and the thread otherwise sleeps until the next event or
 * until the next lease ends (so an expired lease stops counting at its end time).
 *
 * <p>A file is never allowed to blank what was known: while it is missing or unreadable, and when a
 * read finds only damaged lines, the leases last read from it stay (they still end at their own
 * times). Damaged lines are skipped; a file's trouble is logged once, and again only after the file
 * was clean in between. A directory that does not exist yet is waited for through the nearest one
 * that does.
 */
final class LeaseWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseWatcher.class);
    /** Quiet time after the last event before a file is read. */
    static final long SETTLE_MS = 50;
    /** Longest a stream of events may delay a read. */
    static final long MAX_SETTLE_MS = 1000;
    private static final long JOIN_MS = 2000;

    /** What was last logged about a file, so each trouble is logged once. */
    private enum Logged {
        /** nothing wrong so far */
        CLEAN,
        /** it was missing */
        MISSING,
        /** it could not be read */
        UNREADABLE,
        /** it had damaged lines */
        DAMAGED
    }

    private final List<LeaseFile> files;
    private final Learner learner;
    private final LongSupplier clockMs;
    private final WatchService watch;
    private final Map<WatchKey, Path> watched = new HashMap<>();
    private final Map<Path, Logged> logged = new HashMap<>();
    private final Map<Path, Integer> counts = new HashMap<>();
    private final Thread thread;
    private volatile boolean loaded;
    private volatile long reads;
    private long checkedUntil;

    /**
     * @param files the configured lease files
     * @param learner where the leases go
     * @param clockMs wall clock in Unix epoch milliseconds
     * @throws IOException if no inotify instance can be had
     */
    LeaseWatcher(List<LeaseFile> files, Learner learner, LongSupplier clockMs) throws IOException {
        this.files = List.copyOf(files);
        this.learner = learner;
        this.clockMs = clockMs;
        this.watch = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::run, "stationd-leases");
        thread.setDaemon(true);
    }

    /** Starts the thread: it reads every file at once. */
    void start() {
        thread.start();
    }

    /** @return whether every file has been read (or found missing) once */
    boolean loaded() {
        return loaded;
    }

    /** @return how many times a file was read */
    long reads() {
        return reads;
    }

    private void run() {
        try {
            checkedUntil = clockMs.getAsLong();
            registerAll();
            for (LeaseFile f : files) {
                read(f);
            }
            loaded = true;
            LOG.info("enrich: {} lease file(s) read: {}", files.size(), summary());
            while (true) {
                Set<Path> dirty = new LinkedHashSet<>();
                WatchKey key = awaitEvent();
                if (key != null) {
                    collect(key, dirty);
                    settle(dirty);
                    for (LeaseFile f : files) {
                        if (dirty.contains(f.path())) {
                            read(f);
                        }
                    }
                }
                long now = clockMs.getAsLong();
                if (now > checkedUntil) {
                    learner.leasesExpired(checkedUntil, now);
                    checkedUntil = now;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopped
        } catch (RuntimeException | Error e) {
            LOG.error("lease file watcher failed; leases are no longer followed", e);
        }
    }

    /** @return the next event, or null when a lease ends first */
    private WatchKey awaitEvent() throws InterruptedException {
        long next = learner.nextLeaseExpiry(checkedUntil);
        if (next == Lease.NEVER) {
            return watch.take();
        }
        long wait = next - clockMs.getAsLong();
        return wait <= 0 ? watch.poll() : watch.poll(wait, TimeUnit.MILLISECONDS);
    }

    /** Waits until no event came for {@link #SETTLE_MS} (at most {@link #MAX_SETTLE_MS}), collecting what changed. */
    private void settle(Set<Path> dirty) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_SETTLE_MS);
        while (System.nanoTime() < end) {
            WatchKey more = watch.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
            if (more == null) {
                return;
            }
            collect(more, dirty);
        }
    }

    private void collect(WatchKey key, Set<Path> dirty) {
        Path dir = watched.get(key);
        boolean rewatch = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                files.forEach(f -> dirty.add(f.path()));
                continue;
            }
            if (dir == null) {
                continue;
            }
            Path child = dir.resolve((Path) e.context());
            for (LeaseFile f : files) {
                if (f.path().equals(child)) {
                    dirty.add(f.path());
                } else if (f.path().startsWith(child)) {
                    rewatch = true; // a directory on the way to a lease file appeared (or went)
                }
            }
        }
        if (!key.reset()) {
            watched.remove(key);
            rewatch = true;
        }
        if (rewatch) {
            registerAll();
            files.forEach(f -> dirty.add(f.path()));
        }
    }

    /** Watches each file's directory, or the nearest existing ancestor while it does not exist. */
    private void registerAll() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (LeaseFile f : files) {
            Path d = f.path().getParent();
            while (d != null && !Files.isDirectory(d)) {
                d = d.getParent();
            }
            if (d != null) {
                dirs.add(d);
            }
        }
        for (Path d : dirs) {
            if (watched.containsValue(d)) {
                continue;
            }
            try {
                WatchKey k = d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                watched.put(k, d);
            } catch (IOException e) {
                LOG.warn("enrich: cannot watch {}: {}; its lease files are read only at start-up", d, e.toString());
            }
        }
    }

    private void read(LeaseFile f) {
        reads++;
        LeaseFile.Read r = f.read();
        Path p = f.path();
        Logged before = logged.getOrDefault(p, Logged.CLEAN);
        switch (r.outcome()) {
            case MISSING:
                if (before != Logged.MISSING) {
                    LOG.warn("enrich: lease file {} does not exist (yet); {}", f,
                            counts.getOrDefault(p, 0) > 0 ? "keeping the leases last read from it" : "waiting for it");
                    logged.put(p, Logged.MISSING);
                }
                return;
            case UNREADABLE:
                if (before != Logged.UNREADABLE) {
                    LOG.warn("enrich: lease file {}: {}; keeping the leases last read from it", f, r.problems().first());
                    logged.put(p, Logged.UNREADABLE);
                }
                return;
            default:
                break;
        }
        ParseProblems problems = r.problems();
        boolean blank = r.leases().isEmpty() && problems.count() > 0;
        if (problems.count() > 0 && before != Logged.DAMAGED) {
            LOG.warn("enrich: lease file {}: {} damaged line(s) skipped, first {}{}", f, problems.count(), problems.first(),
                    blank ? "; nothing readable, keeping the leases last read from it" : "");
            logged.put(p, Logged.DAMAGED);
        } else if (problems.count() == 0 && before != Logged.CLEAN) {
            LOG.info("enrich: lease file {} read: {} leases", f, r.leases().size());
            logged.put(p, Logged.CLEAN);
        }
        if (blank) {
            return;
        }
        counts.put(p, r.leases().size());
        learner.leases(p, r.leases());
    }

    private String summary() {
        StringBuilder b = new StringBuilder();
        for (LeaseFile f : files) {
            b.append(b.length() == 0 ? "" : ", ").append(f.path()).append('=').append(counts.getOrDefault(f.path(), 0));
        }
        return b.toString();
    }

    /** Stops the thread and releases the inotify instance. */
    void stop() {
        try {
            watch.close(); // take()/poll() throw ClosedWatchServiceException
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.toString());
        }
        thread.interrupt();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
