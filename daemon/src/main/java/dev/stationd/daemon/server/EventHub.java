package dev.stationd.daemon.server;

import dev.stationd.daemon.table.TableListener;
import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The table's changes as one log of encoded {@code sta_event}s that every subscriber reads at its
 * own pace: each event is encoded once, and a subscriber writes retained slices of it, so the
 * memory of the subscriptions does not grow with the number of subscribers. The log keeps the
 * last {@code capacity} events ({@code server.subscriber_backlog}); a subscriber that falls
 * further behind than that is dropped.
 *
 * <p>Events are stored back to back in pages of {@link #PAGE_EVENTS}, so what a subscriber has
 * not written yet is one slice (two where it spans a page boundary) and goes out in one plain
 * write, not a gather of one buffer per event. A slice keeps its whole page alive; since a
 * subscriber's slices cover consecutive events, that is at most one page at each end beyond the
 * events it holds.
 *
 * <p>Appends come from whichever thread changes the table (under the table's lock); each event
 * loop with subscribers then gets one task that lets its subscribers write what they can (coalesced:
 * one task per loop however many events arrive meanwhile). Subscribers are added, removed and
 * drained on their own event loop.
 *
 * <p>A drain costs one write per subscriber, and each write wakes a reader: under a steady stream
 * of changes that cost, not the encoding, is what the daemon spends its CPU on. So after a drain
 * a loop waits a short window before the next one and sends what arrived meanwhile in one write
 * per subscriber. The first change after a quiet period goes out at once; the window grows with
 * the number of subscribers ({@link #WINDOW_PER_SUBSCRIBER_NANOS} each, at most
 * {@link #ORDINARY_MAX_WINDOW_NANOS}), so a single subscriber waits at most a fraction of a
 * millisecond and a crowd of them costs a bounded number of writes per second. While changes
 * come at {@link #BUSY_CHANGES_PER_SECOND} or more (a full access point's churn, a re-read of
 * every station) the window is {@link #BUSY_FACTOR} times as long: each write then carries more
 * events, and a change waits longer but well within what such a rate allows (50 ms at 1,000 a
 * second is the bar; 24 ms at most here). The factor applies to any number of subscribers, so
 * the window stays proportional to them: a crowd that lost a member or two (a slow reader
 * dropped and not back yet) is still a crowd, and one subscriber still waits under a millisecond.
 */
public final class EventHub implements TableListener, AutoCloseable {
    /** A subscription as the hub sees it. */
    interface Subscriber {
        /** @return the event loop it runs on */
        EventExecutor executor();

        /** Writes the events it has not written yet, as far as its channel takes them (on its loop). */
        void drainEvents();
    }

    /** Coalescing window per subscriber: 32 subscribers wait at most 8 ms. */
    static final long WINDOW_PER_SUBSCRIBER_NANOS = 250_000;
    /** The longest coalescing window at an ordinary rate of changes, however many subscribers. */
    static final long ORDINARY_MAX_WINDOW_NANOS = 8_000_000;
    /** Changes a second from which the access point counts as busy. */
    static final int BUSY_CHANGES_PER_SECOND = 500;
    /** How much longer the window is while busy. */
    static final int BUSY_FACTOR = 3;
    /** The longest coalescing window there is. */
    static final long MAX_WINDOW_NANOS = BUSY_FACTOR * ORDINARY_MAX_WINDOW_NANOS;

    /** Events per page of the log. */
    static final int PAGE_EVENTS = 32;
    private static final int PAGE_BYTES = PAGE_EVENTS * StaEvent.SIZE;

    private final ByteBufAllocator alloc;
    private final Object lock = new Object();
    private final ConcurrentHashMap<EventExecutor, Loop> loops = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    // guarded by lock
    private int capacity;
    /** Page {@code p} (events {@code p * PAGE_EVENTS} on) is at {@code p % pages.length}. */
    private ByteBuf[] pages;
    /** The first position whose page is still there (a log that grew does not have older ones back). */
    private long oldest;
    private long head;
    private final ChangeRate rate = new ChangeRate(BUSY_CHANGES_PER_SECOND);

    /**
     * @param capacity events kept for subscribers that are behind
     * @param alloc allocator of the encoded events (direct)
     */
    public EventHub(int capacity, ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.capacity = checkCapacity(capacity);
        this.pages = new ByteBuf[pagesFor(capacity)];
    }

    /** Pages that hold the last {@code capacity} events and the one being filled. */
    private static int pagesFor(int capacity) {
        return (capacity + PAGE_EVENTS - 1) / PAGE_EVENTS + 1;
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        return capacity;
    }

    /** The subscribers of one event loop, drained by one task at a time. */
    private static final class Loop implements Runnable {
        final EventExecutor executor;
        final AtomicBoolean scheduled = new AtomicBoolean();
        /** Touched on {@link #executor} only. */
        final List<Subscriber> members = new ArrayList<>();
        volatile int size;
        /** When the last drain started ({@link System#nanoTime}); a long time ago at first. */
        volatile long lastRunNanos = System.nanoTime() - MAX_WINDOW_NANOS;

        Loop(EventExecutor executor) {
            this.executor = executor;
        }

        void wake(long windowNanos) {
            if (size > 0 && scheduled.compareAndSet(false, true)) {
                long wait = lastRunNanos + windowNanos - System.nanoTime();
                if (wait <= 0) {
                    executor.execute(this);
                } else {
                    executor.schedule(this, wait, TimeUnit.NANOSECONDS);
                }
            }
        }

        @Override
        public void run() {
            lastRunNanos = System.nanoTime();
            scheduled.set(false);
            for (Subscriber s : members.toArray(new Subscriber[0])) { // a drain may drop its subscriber
                s.drainEvents();
            }
        }
    }

    @Override
    public void onChange(StaEvent applied) {
        if (subscribers.get() == 0) {
            return; // nobody to tell: a later subscriber starts after this event anyway
        }
        long window;
        synchronized (lock) {
            int slot = (int) (head / PAGE_EVENTS % pages.length);
            if (head % PAGE_EVENTS == 0) {
                if (pages[slot] != null) {
                    pages[slot].release(); // subscribers' slices keep it until they are written
                    oldest = head - (long) (pages.length - 1) * PAGE_EVENTS;
                }
                pages[slot] = null;
                try {
                    // fixed size: encode() never grows a page while readers slice it
                    pages[slot] = alloc.directBuffer(PAGE_BYTES, PAGE_BYTES);
                } catch (OutOfMemoryError e) {
                    throw Fatal.outOfMemory("encoding an event for subscribers", e);
                }
            }
            ByteBuf page = pages[slot];
            int at = page.writerIndex();
            try {
                applied.encode(page);
            } catch (RuntimeException e) {
                page.writerIndex(at);
                throw e;
            }
            head++;
            window = window(subscribers.get(), rate.update(System.nanoTime(), head));
        }
        for (Loop l : loops.values()) {
            l.wake(window);
        }
    }

    /**
     * @param subscribers subscribers over all loops
     * @param busy whether changes come at {@link #BUSY_CHANGES_PER_SECOND} or more
     * @return how long a loop waits after a drain before the next one
     */
    static long window(int subscribers, boolean busy) {
        long w = Math.min(ORDINARY_MAX_WINDOW_NANOS, subscribers * WINDOW_PER_SUBSCRIBER_NANOS);
        return busy ? w * BUSY_FACTOR : w;
    }

    /** @return whether the last second's changes made the access point busy (for tests) */
    boolean busy() {
        synchronized (lock) {
            return rate.busy();
        }
    }

    /**
     * Adds a subscriber (on its event loop).
     *
     * @param s the subscriber
     * @return the position of the first event it gets: every change applied after this call
     */
    long subscribe(Subscriber s) {
        subscribers.incrementAndGet(); // before reading the head: no later event is skipped
        Loop l = loops.computeIfAbsent(s.executor(), Loop::new);
        l.members.add(s);
        l.size = l.members.size();
        return head();
    }

    /** @param s a subscriber added earlier, on its event loop (no-op otherwise) */
    void unsubscribe(Subscriber s) {
        Loop l = loops.get(s.executor());
        if (l != null && l.members.remove(s)) {
            l.size = l.members.size();
            subscribers.decrementAndGet();
        }
    }

    /** @return the position the next event will get */
    long head() {
        synchronized (lock) {
            return head;
        }
    }

    /**
     * @param from a position
     * @param max most events to return
     * @param out receives retained slices of the log with the events from {@code from} on, in
     *     order, one per page they span (release them; never write into them: every subscriber
     *     sends the same bytes)
     * @return how many events were added, or -1 when {@code from} is no longer kept (the reader
     *     fell too far behind)
     */
    int read(long from, int max, List<ByteBuf> out) {
        synchronized (lock) {
            if (head - from > capacity || from < oldest) {
                return -1;
            }
            int n = (int) Math.min(max, head - from);
            long pos = from;
            for (int left = n; left > 0; ) {
                int inPage = (int) (pos % PAGE_EVENTS);
                int k = Math.min(left, PAGE_EVENTS - inPage);
                ByteBuf page = pages[(int) (pos / PAGE_EVENTS % pages.length)];
                out.add(page.retainedSlice(inPage * StaEvent.SIZE, k * StaEvent.SIZE));
                pos += k;
                left -= k;
            }
            return n;
        }
    }

    /** @return how many events are kept */
    int capacity() {
        synchronized (lock) {
            return capacity;
        }
    }

    /**
     * Keeps the newest events that fit in a log of the new size (reload).
     *
     * @param capacity events kept from now on
     */
    public void capacity(int capacity) {
        checkCapacity(capacity);
        synchronized (lock) {
            if (capacity == this.capacity) {
                return;
            }
            ByteBuf[] next = new ByteBuf[pagesFor(capacity)];
            // the newest page that holds events: at a page boundary the slot of the next one still
            // holds the page it will replace
            long lastPage = (head - 1) / PAGE_EVENTS;
            long firstKept = Math.max(0, head - capacity) / PAGE_EVENTS;
            for (long p = Math.max(0, lastPage - pages.length + 1); head > 0 && p <= lastPage; p++) {
                ByteBuf page = pages[(int) (p % pages.length)];
                if (page == null) {
                    continue;
                }
                if (p >= firstKept) {
                    next[(int) (p % next.length)] = page;
                } else {
                    page.release();
                }
            }
            this.capacity = capacity;
            pages = next;
            oldest = Math.max(oldest, firstKept * PAGE_EVENTS);
        }
    }

    /** Releases the kept events. */
    @Override
    public void close() {
        synchronized (lock) {
            for (int i = 0; i < pages.length; i++) {
                if (pages[i] != null) {
                    pages[i].release();
                    pages[i] = null;
                }
            }
        }
    }
}
