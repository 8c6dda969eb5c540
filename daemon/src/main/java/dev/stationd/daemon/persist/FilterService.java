package dev.stationd.daemon.persist;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.FilterSet.Filter;
import dev.stationd.daemon.table.FilterSet.Lifetime;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the current {@link FilterSet} and its durable storage, committing changes in groups, and
 * ends timed filters when they expire.
 *
 * <p>{@link #add}, {@link #ban}, {@link #del} and {@link #flush} never block: they enqueue the
 * request and return a future. One dedicated daemon thread ({@code stationd-filters}) takes every
 * queued request, applies them in order to a working copy, saves the result once (one fsync covers
 * the whole batch), publishes it ({@link #current()}, then the publish hook), and only then
 * completes the futures, in request order. If the save fails, every future of the batch completes
 * exceptionally with the {@link IOException} and the old set stays in force: nothing is
 * acknowledged unless it is durable, and {@link #current()} only ever shows durable state.
 *
 * <p>Expiry: an expired timed filter is removed by the same thread through the same path (saved,
 * then published, exactly as a {@code FILTER_DEL} would be). The thread waits for the next
 * request or the earliest expiry ({@link FilterExpiry}, a look at its head only), whichever comes
 * first; expiries found due within {@link #EXPIRY_COALESCE} of the last expiry commit wait for
 * that commit window, so a burst of expiries costs a few saves, not one each. The wait is capped
 * at {@link #MAX_WAIT} because expiries are wall-clock times: a clock step (NTP at boot) is
 * noticed within that cap. Filters that expired while the daemon was stopped are dropped, and
 * durably removed, when the service starts.
 *
 * <p>Futures complete on the writer thread, so dependent actions run there too: keep them short
 * and hand real work (such as writing a reply) to the caller's event loop.
 *
 * <p>One class although past 500 lines (a quarter of them comments): requests and expiries go
 * through the one writer thread and its working copy, and that ordering is what makes ACKs durable.
 */
public final class FilterService implements AutoCloseable {
    /** The writer thread's name. */
    public static final String THREAD_NAME = "stationd-filters";
    /** Shortest time between two commits made for expiries alone. */
    static final Duration EXPIRY_COALESCE = Duration.ofMillis(250);
    /** Longest wait of the writer for the next expiry (bounds the effect of a wall-clock step). */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** How long expiries wait after a failed save before they are tried again. */
    static final Duration EXPIRY_RETRY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(FilterService.class);

    private enum Op { ADD, BAN, DEL, FLUSH, STOP }

    /**
     * @param filters ADD and DEL: one filter; BAN: the kicked stations' filters
     * @param lifetimeMs ADD and BAN: 0 = permanent
     */
    private record Request(Op op, List<Filter> filters, int group, long lifetimeMs,
                           CompletableFuture<FilterResult> future) {
    }

    private static final Request STOP = new Request(Op.STOP, List.of(), 0, 0, null);

    private final FilterFile file;
    private final Consumer<FilterSet> onPublish;
    private final LongSupplier clockMs;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object submitLock = new Object();
    private final FilterExpiry expiry = new FilterExpiry(); // writer thread only (built before it starts)
    private final Thread writer;

    private volatile FilterSet current;
    private volatile int maxFilters;
    private volatile LongConsumer commitTimer = nanos -> { };
    private boolean closed; // guarded by submitLock
    private long expiryNotBeforeNanos = System.nanoTime(); // writer thread only

    // written by the writer thread only
    private volatile long requests;
    private volatile long batches;
    private volatile long commits;
    private volatile long failures;
    private volatile long expired;
    /** When the batch being processed began (System.nanoTime), 0 while the writer waits for work. */
    private volatile long busySince;

    /**
     * Like {@link #FilterService(FilterFile, FilterSet, int, LongSupplier, Consumer)} on the system clock.
     *
     * @param file where the set is stored
     * @param initial the durable set, as loaded from {@code file}
     * @param maxFilters most filters kept (at least 1)
     * @param onPublish see the other constructor
     */
    public FilterService(FilterFile file, FilterSet initial, int maxFilters, Consumer<FilterSet> onPublish) {
        this(file, initial, maxFilters, System::currentTimeMillis, onPublish);
    }

    /**
     * Drops (and durably removes) the filters of {@code initial} that have expired, starts the
     * writer thread and publishes the remaining set through {@code onPublish} (on the calling
     * thread) so that consumers start in step with {@link #current()}.
     *
     * @param file where the set is stored
     * @param initial the durable set, as loaded from {@code file}
     * @param maxFilters most filters kept (at least 1)
     * @param clockMs wall clock in Unix epoch milliseconds (lifetimes and expiries)
     * @param onPublish called on the writer thread with each newly durable set, before the futures
     *     complete (for example {@code table::setFilters}); must not block for long
     */
    public FilterService(FilterFile file, FilterSet initial, int maxFilters, LongSupplier clockMs,
                         Consumer<FilterSet> onPublish) {
        this.file = Objects.requireNonNull(file, "file");
        this.onPublish = Objects.requireNonNull(onPublish, "onPublish");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        setMaxFilters(maxFilters);
        this.current = dropExpiredAtStart(Objects.requireNonNull(initial, "initial"));
        if (current.size() > maxFilters) {
            log.warn("{} holds {} filters, more than filters.max_filters={}; keeping them, new adds are refused",
                    file.path(), current.size(), maxFilters);
        }
        expiry.rebuild(current);
        onPublish.accept(current);
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

    private FilterSet dropExpiredAtStart(FilterSet loaded) {
        FilterSet live = loaded.withoutExpired(clockMs.getAsLong());
        if (live == loaded) {
            return loaded;
        }
        int gone = loaded.size() - live.size();
        try {
            file.save(live);
            log.info("dropped {} timed filter(s) that expired while stationd was stopped; {} filters remain",
                    gone, live.size());
        } catch (IOException e) {
            // Still dropped: an expired filter in the file is dropped again at every start.
            log.error("dropped {} expired timed filter(s), but could not save {}: {}", gone, file.path(), e.toString());
        }
        expired += gone;
        return live;
    }

    /**
     * For the watchdog: whether the writer still does its job.
     *
     * @param tolerance how long it may work on one batch (its fsync included)
     * @return empty while it waits for work or has been on its batch for less than {@code tolerance};
     *     otherwise what is wrong
     */
    public Optional<String> stall(Duration tolerance) {
        if (!writer.isAlive()) {
            boolean stopped;
            synchronized (submitLock) {
                stopped = closed;
            }
            return stopped ? Optional.empty() : Optional.of("the filter writer thread has died");
        }
        long since = busySince;
        if (since != 0 && System.nanoTime() - since > tolerance.toNanos()) {
            return Optional.of("the filter writer has been saving one batch for "
                    + (System.nanoTime() - since) / 1_000_000 + " ms (the disk does not answer)");
        }
        return Optional.empty();
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
     * {@code FILTER_ADD} of a permanent filter: idempotent (adding a present permanent filter is
     * {@code OK} even at the limit); adding a present timed filter makes it permanent.
     *
     * @param group the group, {@code 0} = every group
     * @param mac the station (not zero)
     * @return {@code OK} once durable, or {@code FULL}; exceptionally on a save failure or after
     *     {@link #close()}
     */
    public CompletableFuture<FilterResult> add(int group, MacAddress mac) {
        return add(group, mac, Duration.ZERO);
    }

    /**
     * {@code FILTER_ADD}: adds the filter, or replaces the lifetime of a present one (the last add
     * wins). The expiry is the writer's clock when it applies the request plus {@code lifetime};
     * {@code created_ms} is that clock too, unless the filter was present with the same expiry
     * (a permanent filter added again: nothing changes).
     *
     * @param group the group, {@code 0} = every group
     * @param mac the station (not zero)
     * @param lifetime how long the filter holds, {@link Duration#ZERO} = permanent
     * @return {@code OK} once durable, or {@code FULL} (nothing changed); exceptionally on a save
     *     failure or after {@link #close()}
     */
    public CompletableFuture<FilterResult> add(int group, MacAddress mac, Duration lifetime) {
        if (mac == null || mac.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a filter needs a non-zero MAC"));
        }
        if (lifetime == null || lifetime.isNegative()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lifetime must be >= 0: " + lifetime));
        }
        return submit(Op.ADD, List.of(new Filter(group, mac)), group, lifetime.toMillis());
    }

    /**
     * The bans of a {@code STA_KICK}: a timed filter for each of {@code filters}, all or none. A ban
     * never shortens a filter: a permanent one stays permanent, a timed one that ends later keeps
     * its expiry.
     *
     * @param filters the (group, MAC) of each kicked station
     * @param lifetime how long each ban holds (positive)
     * @return {@code OK} once every ban is durable, or {@code FULL} when the new ones do not fit
     *     under the limit (nothing changed); exceptionally on a save failure or after close
     */
    public CompletableFuture<FilterResult> ban(List<Filter> filters, Duration lifetime) {
        if (filters == null || lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a ban needs filters and a lifetime > 0"));
        }
        return submit(Op.BAN, List.copyOf(filters), 0, lifetime.toMillis());
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
        if (mac.isZero()) {
            return CompletableFuture.completedFuture(FilterResult.NOENT); // never a filter
        }
        return submit(Op.DEL, List.of(new Filter(group, mac)), group, 0);
    }

    /**
     * {@code FILTER_FLUSH}.
     *
     * @param group the group to clear, {@code 0} = every group
     * @return {@code OK} once durable; exceptionally on a save failure or after close
     */
    public CompletableFuture<FilterResult> flush(int group) {
        return submit(Op.FLUSH, List.of(), group, 0);
    }

    private CompletableFuture<FilterResult> submit(Op op, List<Filter> filters, int group, long lifetimeMs) {
        CompletableFuture<FilterResult> f = new CompletableFuture<>();
        synchronized (submitLock) { // held only for an unbounded-queue offer
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("filter service is closed"));
            }
            queue.add(new Request(op, filters, group, lifetimeMs, f));
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

    /** @return batches processed (each is one drain of the queue, or one round of expiries) */
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

    /** @return timed filters removed because they expired (at start or while running) */
    public long expired() {
        return expired;
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

    // ---- the writer thread ----

    private void run() {
        List<Request> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                Request first = nextRequest();
                if (first != null) {
                    batch.add(first);
                }
            } catch (InterruptedException e) {
                continue; // only close() ends the loop, so that no queued request is ever stranded
            }
            queue.drainTo(batch);
            if (!batch.isEmpty() && batch.get(batch.size() - 1) == STOP) {
                batch.remove(batch.size() - 1);
                stop = true;
            }
            if (!batch.isEmpty() || expiryDue()) {
                busySince = Math.max(1, System.nanoTime());
                try {
                    process(batch);
                } finally {
                    busySince = 0;
                }
            }
            batch.clear();
        }
        log.debug("filter writer stopped after {} batches, {} commits", batches, commits);
    }

    /** Waits for a request, or until the earliest expiry may be committed; null = no request. */
    private Request nextRequest() throws InterruptedException {
        long next = expiry.nextExpiryMs();
        if (next == Long.MAX_VALUE) {
            return queue.take();
        }
        long untilDue = next - clockMs.getAsLong();
        long untilAllowed = TimeUnit.NANOSECONDS.toMillis(expiryNotBeforeNanos - System.nanoTime() + 999_999);
        long wait = Math.min(Math.max(untilDue, untilAllowed), MAX_WAIT.toMillis());
        return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.MILLISECONDS);
    }

    private boolean expiryDue() {
        return expiry.nextExpiryMs() <= clockMs.getAsLong() && System.nanoTime() - expiryNotBeforeNanos >= 0;
    }

    private void process(List<Request> batch) {
        FilterResult[] results = new FilterResult[batch.size()];
        List<Filter> expiredNow;
        try {
            long now = clockMs.getAsLong();
            FilterSet base = current;
            FilterSet.Builder work = base.toBuilder();
            expiredNow = expiry.takeDue(now);
            for (Filter f : expiredNow) {
                work.remove(f.groupId(), f.mac()); // the index already dropped it
            }
            boolean changed = !expiredNow.isEmpty();
            for (int i = 0; i < results.length; i++) {
                Request r = batch.get(i);
                results[i] = apply(r, work, now);
                changed |= results[i] == FilterResult.OK; // maybe a no-op: the equals below decides
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
                if (!expiredNow.isEmpty()) {
                    expired += expiredNow.size();
                    expiryNotBeforeNanos = System.nanoTime() + EXPIRY_COALESCE.toNanos();
                    log.info("{} timed filter(s) expired and removed: {}", expiredNow.size(), abbreviate(expiredNow));
                }
                log.debug("committed {} filter requests: {} filters now", batch.size(), next.size());
                try {
                    onPublish.accept(next);
                } catch (RuntimeException e) {
                    log.error("filter publish hook failed; the change is durable", e);
                }
            }
        } catch (Throwable t) { // IOException from save, or a bug: acknowledge nothing
            failures++;
            expiry.rebuild(current); // the working copy's lifetime changes are void
            expiryNotBeforeNanos = System.nanoTime() + EXPIRY_RETRY.toNanos();
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

    /** Applies one request to the working copy, keeping the expiry index in step. */
    private FilterResult apply(Request r, FilterSet.Builder work, long now) {
        switch (r.op()) {
            case ADD: {
                Filter f = r.filters().get(0);
                boolean present = work.contains(f.groupId(), f.mac());
                if (!present && work.size() >= maxFilters) {
                    return FilterResult.FULL;
                }
                long expires = r.lifetimeMs() == 0 ? 0 : now + r.lifetimeMs();
                Lifetime before = work.lifetimeOf(f.groupId(), f.mac());
                if (!present || before.expiresMs() != expires) {
                    setLifetime(work, f, before, new Lifetime(now, expires));
                }
                return FilterResult.OK;
            }
            case BAN: {
                Set<Filter> distinct = new LinkedHashSet<>(r.filters());
                long fresh = distinct.stream().filter(f -> !work.contains(f.groupId(), f.mac())).count();
                if (fresh > 0 && work.size() + fresh > maxFilters) {
                    return FilterResult.FULL;
                }
                long expires = now + r.lifetimeMs();
                for (Filter f : distinct) {
                    boolean present = work.contains(f.groupId(), f.mac());
                    Lifetime before = work.lifetimeOf(f.groupId(), f.mac());
                    if (!present || (before.isTimed() && before.expiresMs() < expires)) {
                        setLifetime(work, f, before, new Lifetime(now, expires));
                    }
                }
                return FilterResult.OK;
            }
            case DEL: {
                Filter f = r.filters().get(0);
                if (!work.contains(f.groupId(), f.mac())) {
                    return FilterResult.NOENT;
                }
                expiry.changed(f.groupId(), f.mac(), work.lifetimeOf(f.groupId(), f.mac()), null);
                work.remove(f.groupId(), f.mac());
                return FilterResult.OK;
            }
            case FLUSH:
                if (work.flush(r.group()) > 0) {
                    expiry.flushed(r.group());
                }
                return FilterResult.OK;
            default:
                throw new IllegalStateException("unexpected " + r.op());
        }
    }

    private void setLifetime(FilterSet.Builder work, Filter f, Lifetime before, Lifetime after) {
        work.put(f.groupId(), f.mac(), after);
        expiry.changed(f.groupId(), f.mac(), before, after);
    }

    private static String abbreviate(List<Filter> filters) {
        int shown = Math.min(filters.size(), 5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(filters.get(i));
        }
        return filters.size() > shown ? sb + " and " + (filters.size() - shown) + " more" : sb.toString();
    }
}
