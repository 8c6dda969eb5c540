package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budget's rules, with numbers small enough to follow: limit 1,600, reserve 400, ceiling 2,400, cheap up to 100. */
class PendingBudgetTest {
    private static final long LIMIT = 1600;
    private final ServerStats stats = new ServerStats();
    private final PendingBudget budget = new PendingBudget(LIMIT, stats);

    /** A connection that has held replies for two seconds, of which the kernel took {@code taken} bytes. */
    private static final class FakeHolder implements PendingBudget.Holder {
        final long held;
        final long taken;
        final long since = System.nanoTime() - 2_000_000_000L;
        int evictions;

        FakeHolder(long held, long taken) {
            this.held = held;
            this.taken = taken;
        }

        @Override
        public long held() {
            return held;
        }

        @Override
        public long holdingSince() {
            return since;
        }

        @Override
        public long taken() {
            return taken;
        }

        @Override
        public void evict() {
            evictions++;
        }
    }

    @Test
    void repliesFitUpToTheLimitAndAreReleased() {
        PendingBudget.Grant a = budget.grant(0);
        assertTrue(a.take(1000));
        PendingBudget.Grant b = budget.grant(0);
        assertTrue(b.take(600), "exactly the limit");
        assertFalse(budget.grant(0).take(200), "a large reply beyond the limit is refused");
        assertEquals(1, stats.budgetRefusals.sum());
        a.release();
        a.release(); // idempotent
        assertEquals(600, budget.used());
        assertTrue(budget.grant(0).take(200));
    }

    @Test
    void theReserveTakesCheapRepliesOfConnectionsHoldingLittle() {
        assertTrue(budget.grant(0).take(LIMIT));
        assertTrue(budget.grant(0).take(100), "cheap, and the connection holds nothing: from the reserve");
        assertFalse(budget.grant(100).take(10), "a connection holding a sixteenth of the limit may not");
        assertFalse(budget.grant(0).take(101), "not cheap");
        PendingBudget.Grant g = budget.grant(0);
        assertTrue(g.take(60));
        assertFalse(g.take(60), "one reply takes at most a sixteenth from the reserve");
        assertTrue(budget.grant(0).take(100));
        assertTrue(budget.grant(0).take(100));
        assertFalse(budget.grant(0).take(100), "the reserve is a quarter of the limit: 400");
        assertEquals(LIMIT + 360, budget.used());
    }

    @Test
    void newTableVersionsMayGoUpToTheCeiling() {
        assertTrue(budget.grant(0).take(LIMIT));
        assertEquals(PendingBudget.Room.BESIDE, budget.tryVersion(700, 0));
        assertEquals(PendingBudget.Room.BESIDE, budget.tryVersion(100, 0), "2,400: the ceiling");
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(1, 0));
        budget.release(800);
        assertEquals(LIMIT, budget.used());
    }

    @Test
    void aVersionThatFitsOnlyInPlaceOfTheUnusedOlderOneTakesItsPlace() {
        assertEquals(PendingBudget.Room.BESIDE, budget.tryVersion(LIMIT, 0), "the newest encoding, kept for the next query");
        // the table grew: 1,600 held + 2,400 for the new encoding is over the ceiling of 2,400
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(LIMIT + LIMIT / 2, 0), "beside it: over the ceiling");
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(LIMIT + LIMIT / 2, LIMIT / 2),
                "a reply still uses the older one: only part of it is free");
        assertEquals(PendingBudget.Room.INSTEAD, budget.tryVersion(LIMIT + LIMIT / 2, LIMIT), "no reply uses it");
        assertEquals(LIMIT + LIMIT + LIMIT / 2, budget.used(), "charged: the caller now releases the older one");
        budget.release(LIMIT);
        assertEquals(PendingBudget.Room.INSTEAD, budget.tryVersion(4 * LIMIT, LIMIT + LIMIT / 2),
                "larger than the ceiling: in place of all that is held, as with nothing held");
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(4 * LIMIT, LIMIT), "but not beside anything else");
    }

    @Test
    void withNothingHeldOneReplyOfAnySizeFits() {
        PendingBudget.Grant big = budget.grant(0);
        assertTrue(big.take(10 * LIMIT), "a table larger than the limit is still served");
        assertFalse(budget.grant(0).take(200));
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(LIMIT, 0));
        big.release();
        assertEquals(PendingBudget.Room.BESIDE, budget.tryVersion(5 * LIMIT, 0));
    }

    @Test
    void forcedBytesAlwaysFit() {
        assertTrue(budget.grant(0).take(LIMIT));
        PendingBudget.Grant f = budget.force(500);
        assertEquals(LIMIT + 500, budget.used());
        f.release();
        assertEquals(LIMIT, budget.used());
    }

    @Test
    void aShortfallDisconnectsTheSlowestReadersOneWaveAtATime() {
        FakeHolder fast = new FakeHolder(100_000, 10_000_000);
        FakeHolder slow = new FakeHolder(100_000, 200_000);
        FakeHolder stalled = new FakeHolder(100_000, 0);
        FakeHolder small = new FakeHolder(1_000, 0); // below the least worth disconnecting
        for (FakeHolder h : List.of(fast, slow, stalled, small)) {
            budget.register(h);
        }
        assertTrue(budget.grant(0).take(LIMIT));
        assertTrue(budget.grant(0).take(50), "from the reserve, and room is made");
        assertEquals(List.of(0, 0, 1, 0), evictions(fast, slow, stalled, small), "the one that reads nothing goes first");
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(LIMIT, 0), "still no room");
        assertEquals(List.of(0, 0, 1, 0), evictions(fast, slow, stalled, small), "no second wave before the first is gone");
        budget.unregister(stalled);
        assertEquals(PendingBudget.Room.NONE, budget.tryVersion(LIMIT, 0));
        assertEquals(List.of(0, 1, 1, 0), evictions(fast, slow, stalled, small), "then the slow reader");
        assertEquals(2, stats.budgetEvictions.sum());
    }

    @Test
    void aLargeReplyThatDoesNotFitDisconnectsNobody() {
        FakeHolder stalled = new FakeHolder(100_000, 0);
        budget.register(stalled);
        assertTrue(budget.grant(0).take(LIMIT));
        assertFalse(budget.grant(0).take(LIMIT / 2));
        assertEquals(0, stalled.evictions);
    }

    private static List<Integer> evictions(FakeHolder... hs) {
        List<Integer> out = new ArrayList<>();
        for (FakeHolder h : hs) {
            out.add(h.evictions);
        }
        return out;
    }
}
