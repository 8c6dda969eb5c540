package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared event log of subscribers. */
class EventHubTest {
    private final EventHub hub = new EventHub(3, PooledByteBufAllocator.DEFAULT);
    private final List<ByteBuf> read = new ArrayList<>();

    /** Counts its wake-ups. */
    private static final class FakeSubscriber implements EventHub.Subscriber {
        int drains;

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public void drainEvents() {
            drains++;
        }
    }

    @AfterEach
    void release() {
        read.forEach(ByteBuf::release);
        hub.close();
    }

    private static StaEvent upsert(int seq) {
        return StaEvent.upsert(seq, StaListAttr.builder(new MacAddress(0x020000000000L + seq)).ifname("wlan0").build());
    }

    @Test
    void eachEventIsEncodedOnceAndSharedBySubscribers() {
        FakeSubscriber a = new FakeSubscriber();
        FakeSubscriber b = new FakeSubscriber();
        assertEquals(0, hub.subscribe(a));
        assertEquals(0, hub.subscribe(b));
        hub.onChange(upsert(7));
        assertEquals(1, a.drains, "the subscriber's loop is woken");
        assertEquals(1, hub.read(0, 10, read));
        assertEquals(1, hub.read(0, 10, read));
        ByteBuf first = read.get(0);
        ByteBuf second = read.get(1);
        assertTrue(first.hasMemoryAddress() && first.memoryAddress() == second.memoryAddress(),
                "both subscribers write the same bytes");
        assertEquals(StaEvent.SIZE, first.readableBytes());
        assertEquals(upsert(7), StaEvent.decode(first.duplicate()));
        assertTrue(first.isReadOnly(), "no subscriber can change what the others send");
    }

    @Test
    void aReaderTooFarBehindIsToldSo() {
        hub.subscribe(new FakeSubscriber());
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
        assertEquals(0, hub.subscribe(s));
        hub.onChange(upsert(2));
        hub.unsubscribe(s);
        hub.onChange(upsert(3));
        assertEquals(1, hub.head());
    }

    @Test
    void resizingKeepsTheNewestEvents() {
        hub.subscribe(new FakeSubscriber());
        for (int i = 0; i < 3; i++) {
            hub.onChange(upsert(i));
        }
        hub.capacity(2);
        assertEquals(-1, hub.read(0, 10, read));
        assertEquals(2, hub.read(1, 10, read));
        hub.capacity(5);
        hub.onChange(upsert(3));
        assertEquals(3, hub.read(1, 10, read), "what was kept, and the new one");
        assertEquals(3, StaEvent.decode(read.get(4).duplicate()).seq());
    }
}
