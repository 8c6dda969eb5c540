package dev.stationd.daemon.persist;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the current {@link FilterSet} and its durable storage, committing changes in groups.
 *
 * <p>{@link #add}, {@link #del} and {@link #flush} never block: they enqueue the request and return
 * a future. One dedicated daemon thread ({@code stationd-filters}) takes every queued request,
 * applies them in order to a working copy, saves the result once (one fsync covers the whole
 * batch), publishes it ({@link #current()}, then the publish hook), and only then completes the
 * futures, in request order. If the save fails, every future of the batch completes exceptionally
 * with the {@link IOException} and the old set stays in force: nothing is acknowledged unless it
 * is durable, and {@link #current()} only ever shows durable state.
 *
 * <p>Futures complete on the writer thread, so dependent actions run there too: keep them short
 * and hand real work (such as writing a reply) to the caller's event loop.
 */
public final class FilterService implements AutoCloseable {
    /** The writer thread's name. */
    public static final String THREAD_NAME = "stationd-filters";

    private static final Logger log = LoggerFactory.getLogger(FilterService.class);

    private enum Op { ADD, DEL, FLUSH, STOP }

    private record Request(Op op, int group, MacAddress mac, CompletableFuture<FilterResult> future) {
    }

    private static final Request STOP = new Request(Op.STOP, 0, null, null);

    private final FilterFile file;
    private final Consumer<FilterSet> onPublish;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object submitLock = new Object();
    private final Thread writer;

    private volatile FilterSet current;
    private volatile int maxFilters;
    private volatile LongConsumer commitTimer = nanos -> { };
    private boolean closed; // guarded by submitLock

    // written by the writer thread only
    private volatile long requests;
    private volatile long batches;
    private volatile long commits;
    private volatile long failures;

    /**
     * Starts the writer thread and publishes {@code initial} through {@code onPublish} (on the
     * calling thread) so that consumers start in step with {@link #current()}.
     *
     * @param file where the set is stored
     * @param initial the durable set, as loaded from {@code file}
     * @param maxFilters most filters kept (at least 1)
     * @param onPublish called on the writer thread with each newly durable set, before the futures
     *     complete (for example {@code table::setFilters}); must not block for long
     */
    public FilterService(FilterFile file, FilterSet initial, int maxFilters, Consumer<FilterSet> onPublish) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = Objects.requireNonNull(initial, "initial");
        this.onPublish = Objects.requireNonNull(onPublish, "onPublish");
        setMaxFilters(maxFilters);
        if (initial.size() > maxFilters) {
            log.warn("{} holds {} filters, more than filters.max_filters={}; keeping them, new adds are refused",
                    file.path(), initial.size(), maxFilters);
        }
        onPublish.accept(initial);
        writer = new Thread(this::run, THREAD_NAME);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Loads {@code file} and starts a service on it.
     *
     * @param file where the set is stored
     * @param maxFilters most filters kept
     * @param onPublish see {@link #FilterService(FilterFile, FilterSet, int, Consumer)}
     * @return the running service
     * @throws IOException when the file cannot be read or is corrupt ({@link StateFileException})
     */
    public static FilterService open(FilterFile file, int maxFilters, Consumer<FilterSet> onPublish)
            throws IOException {
        return new FilterService(file, file.load(), maxFilters, onPublish);
    }

    /** @return the durable filter set in force (a volatile read) */
    public FilterSet current() {
        return current;
    }

    /** @return the limit on the number of filters */
    public int maxFilters() {
        return maxFilters;
    }

    /**
     * Changes the limit (live reload). Lowering it removes nothing; adds are refused until the set
     * is below it.
     *
     * @param maxFilters at least 1
     */
    public void setMaxFilters(int maxFilters) {
        if (maxFilters < 1) {
            throw new IllegalArgumentException("maxFilters must be >= 1: " + maxFilters);
        }
        this.maxFilters = maxFilters;
    }

    /**
     * {@code FILTER_ADD}: idempotent (adding a present filter is {@code OK} even at the limit).
     *
     * @param group the group, {@code 0} = every group
     * @param mac the station (not zero)
     * @return {@code OK} once durable, or {@code FULL}; exceptionally on a save failure or after
     *     {@link #close()}
     */
    public CompletableFuture<FilterResult> add(int group, MacAddress mac) {
        if (mac == null || mac.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a filter needs a non-zero MAC"));
        }
        return submit(Op.ADD, group, mac);
    }

    /**
     * {@code FILTER_DEL}.
     *
     * @param group the group (exact)
     * @param mac the station
     * @return {@code OK} once durable, or {@code NOENT}; exceptionally on a save failure or after close
     */
    public CompletableFuture<FilterResult> del(int group, MacAddress mac) {
        if (mac == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("mac must not be null"));
        }
        return submit(Op.DEL, group, mac);
    }

    /**
     * {@code FILTER_FLUSH}.
     *
     * @param group the group to clear, {@code 0} = every group
     * @return {@code OK} once durable; exceptionally on a save failure or after close
     */
    public CompletableFuture<FilterResult> flush(int group) {
        return submit(Op.FLUSH, group, null);
    }

    private CompletableFuture<FilterResult> submit(Op op, int group, MacAddress mac) {
        CompletableFuture<FilterResult> f = new CompletableFuture<>();
        synchronized (submitLock) { // held only for an unbounded-queue offer
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("filter service is closed"));
            }
            queue.add(new Request(op, group, mac, f));
        }
        return f;
    }

    /**
     * @param observer told, on the writer thread, how long each successful save took (write, fsync,
     *     rename, directory fsync), in nanoseconds; must be quick
     */
    public void onCommit(LongConsumer observer) {
        commitTimer = Objects.requireNonNull(observer, "observer");
    }

    /** @return requests processed */
    public long requests() {
        return requests;
    }

    /** @return batches processed (each is one drain of the queue) */
    public long batches() {
        return batches;
    }

    /** @return successful saves (batches that changed the set) */
    public long commits() {
        return commits;
    }

    /** @return batches whose save failed */
    public long failures() {
        return failures;
    }

    /**
     * Stops accepting requests (later ones fail with {@link IllegalStateException}), lets the
     * writer finish every request already queued, and waits for it to exit. Idempotent.
     */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Like {@link #close()}, but waits at most {@code timeout} for the queued requests; any still
     * pending afterwards are finished in the background (the writer is a daemon thread).
     *
     * @param timeout the longest wait, {@code null} = no limit
     * @return whether the writer has stopped
     */
    public boolean close(Duration timeout) {
        synchronized (submitLock) {
            if (!closed) {
                closed = true;
                queue.add(STOP); // the last element ever queued
            }
        }
        if (Thread.currentThread() == writer) {
            return false; // called from a publish hook or a future callback: the loop ends after this batch
        }
        try {
            if (timeout == null) {
                writer.join();
            } else {
                writer.join(Math.max(1, timeout.toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean stopped = !writer.isAlive();
        if (!stopped) {
            log.warn("filter writer still busy after {}: {} requests queued", timeout, queue.size());
        }
        return stopped;
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends the loop, so that no queued request is ever stranded
            }
            queue.drainTo(batch);
            if (batch.get(batch.size() - 1) == STOP) {
                batch.remove(batch.size() - 1);
                stop = true;
            }
            if (!batch.isEmpty()) {
                process(batch);
            }
            batch.clear();
        }
        log.debug("filter writer stopped after {} batches, {} commits", batches, commits);
    }

    private void process(List<Request> batch) {
        FilterResult[] results = new FilterResult[batch.size()];
        try {
            FilterSet base = current;
            FilterSet.Builder work = base.toBuilder();
            int limit = maxFilters;
            boolean changed = false;
            for (int i = 0; i < results.length; i++) {
                Request r = batch.get(i);
                switch (r.op()) {
                    case ADD:
                        if (work.contains(r.group(), r.mac())) {
                            results[i] = FilterResult.OK;
                        } else if (work.size() >= limit) {
                            results[i] = FilterResult.FULL;
                        } else {
                            work.add(r.group(), r.mac());
                            results[i] = FilterResult.OK;
                            changed = true;
                        }
                        break;
                    case DEL:
                        if (work.contains(r.group(), r.mac())) {
                            work.remove(r.group(), r.mac());
                            results[i] = FilterResult.OK;
                            changed = true;
                        } else {
                            results[i] = FilterResult.NOENT;
                        }
                        break;
                    case FLUSH:
                        changed |= work.flush(r.group()) > 0;
                        results[i] = FilterResult.OK;
                        break;
                    default:
                        throw new IllegalStateException("unexpected " + r.op());
                }
            }
            batches++;
            requests += batch.size();
            FilterSet next = changed ? work.build() : base;
            if (!next.equals(base)) {
                long start = System.nanoTime();
                file.save(next); // the only blocking step; one fsync for the whole batch
                commitTimer.accept(System.nanoTime() - start);
                commits++;
                current = next;
                log.debug("committed {} filter requests: {} filters now", batch.size(), next.size());
                try {
                    onPublish.accept(next);
                } catch (RuntimeException e) {
                    log.error("filter publish hook failed; the change is durable", e);
                }
            }
        } catch (Throwable t) { // IOException from save, or a bug: acknowledge nothing
            failures++;
            log.error("could not save {} filter requests to {}; keeping the previous {} filters",
                    batch.size(), file.path(), current.size(), t);
            for (Request r : batch) {
                r.future().completeExceptionally(t);
            }
            if (t instanceof Error e && !(t instanceof AssertionError)) {
                throw e;
            }
            return;
        }
        for (int i = 0; i < results.length; i++) {
            batch.get(i).future().complete(results[i]);
        }
    }
}
