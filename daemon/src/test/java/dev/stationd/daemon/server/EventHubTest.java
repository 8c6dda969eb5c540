package dev.stationd.daemon.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared event log of subscribers. */
class EventHubTest {
    private final EventHub hub = new EventHub(3, PooledByteBufAllocator.DEFAULT);
    private final List<ByteBuf> read = new ArrayList<>();
    private final DefaultEventLoop loop = new DefaultEventLoop();

    /** Counts its wake-ups. */
    private final class FakeSubscriber implements EventHub.Subscriber {
        final AtomicInteger drains = new AtomicInteger();
        /** The hub's head at the last drain: every event before it was there to be written. */
        volatile long seen;
        /** When each drain ran ({@link System#nanoTime}). */
        final List<Long> times = new CopyOnWriteArrayList<>();

        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public void drainEvents() {
            seen = hub.head();
            times.add(System.nanoTime());
            drains.incrementAndGet();
        }
    }

    @AfterEach
    void release() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        read.forEach(ByteBuf::release);
        hub.close();
    }

    /** Subscribes on the subscriber's loop, as connections do. */
    private long subscribe(FakeSubscriber s) {
        return loop.submit(() -> hub.subscribe(s)).syncUninterruptibly().getNow();
    }

    private static StaEvent upsert(int seq) {
        return StaEvent.upsert(seq, StaListAttr.builder(new MacAddress(0x020000000000L + seq)).ifname("wlan0").build());
    }

    @Test
    void eachEventIsEncodedOnceAndSharedBySubscribers() {
        FakeSubscriber a = new FakeSubscriber();
        FakeSubscriber b = new FakeSubscriber();
        assertEquals(0, subscribe(a));
        assertEquals(0, subscribe(b));
        hub.onChange(upsert(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.drains.get() == 1); // the subscriber's loop is woken
        assertEquals(1, hub.read(0, 10, read));
        assertEquals(1, hub.read(0, 10, read));
        ByteBuf first = read.get(0);
        ByteBuf second = read.get(1);
        assertTrue(first.hasMemoryAddress() && first.memoryAddress() == second.memoryAddress(),
                "both subscribers write the same bytes");
        assertEquals(StaEvent.SIZE, first.readableBytes());
        assertEquals(upsert(7), StaEvent.decode(first.duplicate()));
    }

    /** The events in slices {@code read}, in order. */
    private static List<Integer> seqs(List<ByteBuf> read) {
        List<Integer> out = new ArrayList<>();
        for (ByteBuf slice : read) {
            assertEquals(0, slice.readableBytes() % StaEvent.SIZE, "whole events only");
            ByteBuf b = slice.duplicate();
            while (b.isReadable()) {
                out.add(StaEvent.decode(b).seq());
            }
        }
        return out;
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }

    @Test
    void whatASubscriberHasNotWrittenIsOneSliceOrTwoAcrossAPageBoundary() {
        EventHub big = new EventHub(100, PooledByteBufAllocator.DEFAULT);
        try {
            loop.submit(() -> big.subscribe(new FakeSubscriber())).syncUninterruptibly();
            for (int i = 0; i < 40; i++) {
                big.onChange(upsert(i));
            }
            assertEquals(10, big.read(0, 10, read));
            assertEquals(1, read.size(), "events 0-9 lie back to back in the first page");
            assertEquals(range(0, 10), seqs(read));
            read.forEach(ByteBuf::release);
            read.clear();
            assertEquals(30, big.read(10, 64, read));
            assertEquals(List.of((EventHub.PAGE_EVENTS - 10) * StaEvent.SIZE, (40 - EventHub.PAGE_EVENTS) * StaEvent.SIZE),
                    read.stream().map(ByteBuf::readableBytes).toList(), "the rest of page 0, then page 1");
            assertEquals(range(10, 40), seqs(read));
        } finally {
            read.forEach(ByteBuf::release);
            read.clear();
            big.close();
        }
    }

    @Test
    void aLogThatGrowsAtAPageBoundaryKeepsItsOldestPageWhereReadsLookForIt() {
        subscribe(new FakeSubscriber());
        int n = 2 * EventHub.PAGE_EVENTS; // 3 kept in 2 pages, both full: the next event starts a third
        for (int i = 0; i < n; i++) {
            hub.onChange(upsert(i));
        }
        hub.capacity(1000);
        assertEquals(n - 10, hub.read(10, 100, read), "the first page is still there: all of it can be read");
        assertEquals(range(10, n), seqs(read));
        hub.onChange(upsert(n));
        assertEquals(List.of(n), seqs(List.of(read(n))), "the third page, begun after the resize");
    }

    /** The one event at {@code pos}, as a slice (released with the others). */
    private ByteBuf read(long pos) {
        List<ByteBuf> one = new ArrayList<>();
        assertEquals(1, hub.read(pos, 1, one));
        read.addAll(one);
        return one.get(0);
    }

    @Test
    void aLogThatGrowsDoesNotOfferEventsWhosePageIsGone() {
        subscribe(new FakeSubscriber());
        int n = 2 * EventHub.PAGE_EVENTS + 6; // 3 kept: the first page was let go when the third began
        for (int i = 0; i < n; i++) {
            hub.onChange(upsert(i));
        }
        hub.capacity(1000);
        assertEquals(-1, hub.read(10, 100, read), "within the new capacity, but its page is gone");
        assertEquals(n - 40, hub.read(40, 100, read), "the second page is still there");
        assertEquals(range(40, n), seqs(read));
    }

    @Test
    void aReaderTooFarBehindIsToldSo() {
        subscribe(new FakeSubscriber());
        for (int i = 1; i <= 4; i++) {
            hub.onChange(upsert(i));
        }
        assertEquals(-1, hub.read(0, 10, read), "event 0 is gone: 4 events, 3 kept");
        assertEquals(3, hub.read(1, 10, read));
        assertEquals(2, StaEvent.decode(read.get(0).duplicate()).seq());
        assertEquals(1, hub.read(3, 10, read));
        assertEquals(0, hub.read(4, 10, read), "up to date");
    }

    @Test
    void withoutSubscribersNothingIsKept() {
        hub.onChange(upsert(1));
        assertEquals(0, hub.head());
        FakeSubscriber s = new FakeSubscriber();
        assertEquals(0, subscribe(s));
        hub.onChange(upsert(2));
        loop.submit(() -> hub.unsubscribe(s)).syncUninterruptibly();
        hub.onChange(upsert(3));
        assertEquals(1, hub.head());
    }

    @Test
    void resizingKeepsTheNewestEvents() {
        subscribe(new FakeSubscriber());
        for (int i = 0; i < 3; i++) {
            hub.onChange(upsert(i));
        }
        hub.capacity(2);
        assertEquals(-1, hub.read(0, 10, read));
        assertEquals(2, hub.read(1, 10, read));
        hub.capacity(5);
        hub.onChange(upsert(3));
        read.forEach(ByteBuf::release);
        read.clear();
        assertEquals(3, hub.read(1, 10, read), "what was kept, and the new one");
        assertEquals(List.of(1, 2, 3), seqs(read));
    }

    @Test
    void aBurstReachesManySubscribersInFewDrains() {
        List<FakeSubscriber> crowd = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            FakeSubscriber s = new FakeSubscriber();
            crowd.add(s);
            subscribe(s);
        }
        long window = EventHub.window(crowd.size(), false);
        assertEquals(EventHub.ORDINARY_MAX_WINDOW_NANOS, window, "32 subscribers: the longest ordinary window");
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            hub.onChange(upsert(i));
        }
        FakeSubscriber first = crowd.get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.seen == 100); // no event is left behind
        // Drains start at least a window apart, the first after `start`, the last before the drain
        // that saw every event: so at most (that time - start) / window + 1 of them, however slow
        // the machine. Without the window a burst is drained as fast as the loop can go.
        long span = first.times.get(first.times.size() - 1) - start;
        assertFalse(hub.busy(), "a burst within the hub's first second is not a rate yet");
        assertTrue(first.drains.get() <= span / window + 1,
                first.drains.get() + " drains within " + span + " ns");
        loop.submit(() -> { // on the loop: no drain runs meanwhile
            for (FakeSubscriber s : crowd) {
                assertEquals(100, s.seen);
                assertEquals(first.drains.get(), s.drains.get(), "every subscriber of the loop drains each time");
            }
        }).syncUninterruptibly();
    }

    @Test
    void theWindowGrowsWithSubscribersAndWhileBusy() {
        assertEquals(EventHub.WINDOW_PER_SUBSCRIBER_NANOS, EventHub.window(1, false));
        assertEquals(8 * EventHub.WINDOW_PER_SUBSCRIBER_NANOS, EventHub.window(8, false));
        assertEquals(EventHub.ORDINARY_MAX_WINDOW_NANOS, EventHub.window(1000, false));
        assertEquals(EventHub.BUSY_FACTOR * EventHub.WINDOW_PER_SUBSCRIBER_NANOS, EventHub.window(1, true),
                "busy: every window is longer");
        assertTrue(EventHub.window(1, true) < 1_000_000L, "one subscriber still waits under a millisecond");
        assertEquals(EventHub.MAX_WINDOW_NANOS, EventHub.window(32, true), "a crowd waits longest while busy");
        assertEquals(EventHub.MAX_WINDOW_NANOS, EventHub.window(1000, true));
        // 30 of 32 subscribers (two slow readers dropped and not back yet) are still a crowd: their
        // window must not fall back to the ordinary one
        assertEquals(30 * EventHub.BUSY_FACTOR * EventHub.WINDOW_PER_SUBSCRIBER_NANOS, EventHub.window(30, true));
        assertTrue(EventHub.window(30, true) > 2 * EventHub.ORDINARY_MAX_WINDOW_NANOS);
        assertTrue(EventHub.MAX_WINDOW_NANOS <= 25_000_000L, "a busy access point's changes still reach subscribers"
                + " well within 50 ms");
    }

    @Test
    void aSteadyStreamOfChangesMakesTheHubBusy() {
        FakeSubscriber s = new FakeSubscriber();
        subscribe(s);
        // changes at far more than BUSY_CHANGES_PER_SECOND until a second of them has been judged
        int[] seq = {0};
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < 500; i++) { // per poll (every 100 ms): about 5,000 a second
                hub.onChange(upsert(++seq[0]));
            }
            return hub.busy();
        });
        int sent = seq[0];
        await().atMost(Duration.ofSeconds(10)).until(() -> s.seen == sent); // busy or not, nothing is left behind
    }
}
