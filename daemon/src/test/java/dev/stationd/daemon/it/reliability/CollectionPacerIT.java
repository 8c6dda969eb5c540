package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.Stations;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the shipped JVM flags (serial collector), once its table churns, the daemon collects its
 * old generation itself, from a timer task between event loop tasks, before a young collection
 * would have to grow it; with {@code -XX:+DisableExplicitGC} it leaves that to the JVM. The load
 * is what fills the old generation on an access point: a table whose every record is replaced
 * again and again (a re-read changes each station's counters and {@code last_seen_ms}), so the
 * replaced records die after they were promoted.
 */
class CollectionPacerIT {
    static final int STATIONS = 20_000;
    /** Datagrams sent between two {@code PING} round trips, so that the load comes in steps. */
    static final int BATCH = 500;
    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final String ON = "old generation (Tenured Gen): collected between event loop tasks when nearly full from now on";
    static final String COLLECTED = "collected the Tenured Gen ahead of a young collection";
    /** Its own collection right after a reply (here: a {@code PING}'s) went out with none in flight. */
    static final String AFTER_REPLY = COLLECTED + ", after a reply";
    static final String OFF = "its old generation is left to the JVM (-XX:+DisableExplicitGC";

    @TempDir
    Path dir;

    @Test
    void theOldGenerationIsCollectedBetweenTasksRightAfterAReplyBeforeAYoungCollectionHasTo() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "log:\n  level: debug\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, MemoryBoundsIT.shippedJvm());
             StationClient client = StationClient.open(d.socket());
             EventSender events = EventSender.connect(d.events())) {
            assertFalse(d.output().contains(ON), "no pacing before the table churns: " + d.output());
            int[] round = {0};
            DaemonProcess.await(DEADLINE, "the daemon's own collection of its old generation after a reply", () -> {
                replaceAll(events, client, ++round[0]);
                return d.output().contains(AFTER_REPLY);
            });
            assertTrue(d.output().contains(ON), d.output());
            client.ping(); // and it still answers
            assertTrue(d.isAlive());
        }
    }

    @Test
    void disableExplicitGcLeavesTheOldGenerationToTheJvm() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        List<String> jvm = new ArrayList<>(MemoryBoundsIT.shippedJvm());
        jvm.add("-XX:+DisableExplicitGC");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, jvm);
             StationClient client = StationClient.open(d.socket());
             EventSender events = EventSender.connect(d.events())) {
            int[] round = {0};
            DaemonProcess.await(DEADLINE, "the daemon to see the churn", () -> {
                replaceAll(events, client, ++round[0]);
                return d.output().contains(OFF);
            });
            assertFalse(d.output().contains(ON), d.output());
        }
    }

    /** Every station again, each record different from the one it replaces (its {@code last_seen_ms}). */
    private static void replaceAll(EventSender events, StationClient client, int round) {
        try {
            long now = System.currentTimeMillis() + round;
            for (int i = 0; i < STATIONS; i++) {
                events.send(StaEvent.upsert(round * STATIONS + i, Stations.make(i, now)));
                if (i % BATCH == BATCH - 1) {
                    client.ping();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
