package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollectionPacerTest {
    static final long MIB = 1024 * 1024;

    // Each collector's pools as HotSpot's GarbageCollectorMXBeans name them (JDK 17).
    static final List<List<String>> SERIAL = List.of(
            List.of("Eden Space", "Survivor Space"),                          // Copy
            List.of("Eden Space", "Survivor Space", "Tenured Gen"));          // MarkSweepCompact
    static final List<List<String>> PARALLEL = List.of(
            List.of("PS Eden Space", "PS Survivor Space"),                    // PS Scavenge
            List.of("PS Eden Space", "PS Survivor Space", "PS Old Gen"));     // PS MarkSweep
    static final List<List<String>> G1 = List.of(
            List.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"),      // G1 Young Generation
            List.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"));     // G1 Old Generation
    static final List<List<String>> ZGC = List.of(
            List.of("ZHeap"));                                                // ZGC (JDK 17: one collector)

    @Test
    void theSerialCollectorsTenuredGenerationIsTheOldGeneration() {
        assertTrue(CollectionPacer.isOldGeneration("Tenured Gen", SERIAL));
        assertFalse(CollectionPacer.isOldGeneration("Eden Space", SERIAL), "young collections collect it");
        assertFalse(CollectionPacer.isOldGeneration("Survivor Space", SERIAL));
    }

    @Test
    void theParallelCollectorsOldGenerationToo() {
        assertTrue(CollectionPacer.isOldGeneration("PS Old Gen", PARALLEL));
        assertFalse(CollectionPacer.isOldGeneration("PS Eden Space", PARALLEL));
    }

    @Test
    void g1sOldGenerationIsAlsoCollectedByItsYoungCollector() {
        assertFalse(CollectionPacer.isOldGeneration("G1 Old Gen", G1));
    }

    @Test
    void aCollectorWithoutGenerationsHasNone() {
        assertFalse(CollectionPacer.isOldGeneration("ZHeap", ZGC));
    }

    @Test
    void pacingStartsFromAHundredChangesASecond() {
        assertFalse(CollectionPacer.churning(99));
        assertTrue(CollectionPacer.churning(100));
        assertFalse(CollectionPacer.churning(0), "a quiet table");
    }

    @Test
    void notDueWhileTwoOfTheLargestPromotionsStillFit() {
        // 10 MiB committed, 7 used: 3 MiB room, largest promotion 1 MiB
        assertFalse(CollectionPacer.due(7 * MIB, 10 * MIB, MIB, -1, false));
        assertFalse(CollectionPacer.due(8 * MIB, 10 * MIB, MIB, -1, false), "exactly two still fit");
    }

    @Test
    void dueWhenTwoOfTheLargestPromotionsWouldNotFit() {
        assertTrue(CollectionPacer.due(8 * MIB + 1, 10 * MIB, MIB, -1, false));
    }

    @Test
    void notDueBeforeAnyPromotionWasSeen() {
        assertFalse(CollectionPacer.due(10 * MIB - 1, 10 * MIB, 0, -1, false));
    }

    @Test
    void notDueAgainUntilAPromotionCameSinceItsOwnCollection() {
        // its own collection left 9 MiB of 10 live: less room than two promotions even right after it
        assertFalse(CollectionPacer.due(9 * MIB, 10 * MIB, MIB, 9 * MIB, false));
        assertFalse(CollectionPacer.due(9 * MIB + MIB / 2, 10 * MIB, MIB, 9 * MIB, false));
        assertTrue(CollectionPacer.due(10 * MIB, 10 * MIB, MIB, 9 * MIB, false), "one largest promotion later");
    }

    @Test
    void rightAfterAReplyDueWhenFourOfTheLargestPromotionsWouldNotFit() {
        // 10 MiB committed, largest promotion 1 MiB: 4 MiB of room is exactly four
        assertFalse(CollectionPacer.due(6 * MIB, 10 * MIB, MIB, -1, true), "exactly four still fit");
        assertTrue(CollectionPacer.due(6 * MIB + 1, 10 * MIB, MIB, -1, true));
        assertFalse(CollectionPacer.due(6 * MIB + 1, 10 * MIB, MIB, -1, false), "without a reply just out, two are the rule");
    }

    @Test
    void rightAfterAReplyStillNotAgainUntilAPromotionCameSinceItsOwnCollection() {
        assertFalse(CollectionPacer.due(9 * MIB + MIB / 2, 10 * MIB, MIB, 9 * MIB, true));
        assertFalse(CollectionPacer.due(10 * MIB - 1, 10 * MIB, 0, -1, true), "no promotion seen yet");
    }

    @Test
    void aReplyIsJustOutWhenOneWasDoneSinceTheLastLookAndNoneIsInFlight() {
        assertTrue(CollectionPacer.replyJustOut(5, 6, 6));
        assertFalse(CollectionPacer.replyJustOut(6, 6, 6), "none done since the last look");
        assertFalse(CollectionPacer.replyJustOut(5, 6, 7), "another one is on its way");
    }

    @Test
    void theLargestPromotionIsKeptAndSlowlyForgotten() {
        long largest = CollectionPacer.nextLargest(0, MIB);
        assertEquals(MIB, largest);
        largest = CollectionPacer.nextLargest(largest, MIB / 4);
        assertEquals(MIB - (MIB >> CollectionPacer.DECAY_SHIFT), largest, "a smaller one: the larger, a 256th forgotten");
        largest = CollectionPacer.nextLargest(largest, -5 * MIB); // a collection in between: the use fell
        assertTrue(largest > MIB / 2 && largest < MIB, String.valueOf(largest));
        assertEquals(2 * MIB, CollectionPacer.nextLargest(largest, 2 * MIB), "a larger one replaces it");
        long l = MIB;
        for (int i = 0; i < 177; i++) { // 177 looks of 100 ms: about 18 s
            l = CollectionPacer.nextLargest(l, 0);
        }
        assertTrue(l < MIB / 2 + MIB / 50 && l > MIB / 2 - MIB / 50, "halved in about 18 s: " + l);
    }
}
