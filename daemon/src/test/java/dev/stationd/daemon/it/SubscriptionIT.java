package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SUBSCRIBE against the real daemon process: ordering, expiry events, and the backlog bound. */
class SubscriptionIT {
    @TempDir
    Path dir;

    private static StaListAttr station(int i, int round, long now) {
        return StaListAttr.builder(new MacAddress(0x02AB00000000L + i)).ifname("wlan0").ssid("net")
                .txBytes(round * 1000L + i).lastSeenMs(now).build();
    }

    @Test
    void subscriberSeesExactlyTheIngestedEventsInOrder() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  subscriber_backlog: 20000\n", "");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             StationClient client = StationClient.open(d.socket())) {
            List<StaEvent> seen = new CopyOnWriteArrayList<>();
            try (StationClient.Subscription sub = client.subscribe(seen::add)) {
                sub.acked().get(10, TimeUnit.SECONDS);
                long now = System.currentTimeMillis();
                List<StaEvent> sent = new ArrayList<>();
                try (EventSender sender = EventSender.connect(d.events())) {
                    for (int round = 0; round < 5; round++) {       // 2,000 stations x 5 distinct updates
                        for (int i = 0; i < 2000; i++) {
                            StaEvent e = StaEvent.upsert(sent.size(), station(i, round, now));
                            sender.send(e);
                            sent.add(e);
                        }
                    }
                }
                DaemonProcess.await(Duration.ofSeconds(30), "10,000 events at the subscriber", () -> seen.size() >= 10_000);
                assertEquals(10_000, seen.size());
                for (int k = 0; k < sent.size(); k++) {
                    StaEvent got = seen.get(k);
                    assertEquals(EventType.UPSERT, got.type(), "event " + k);
                    assertEquals(sent.get(k).sta(), got.sta(), "event " + k + " in ingest order");
                }
                for (int k = 1; k < seen.size(); k++) {
                    assertEquals(seen.get(k - 1).seq() + 1, seen.get(k).seq(), "table sequence numbers have no gaps");
                }
                assertEquals(2000, client.list(dev.stationd.protocol.client.ListQuery.ALL).size());
            }
        }
    }

    @Test
    void expiryIsSentAsRemove() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "table:\n  expire_after: 1s\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             StationClient client = StationClient.open(d.socket())) {
            List<StaEvent> seen = new CopyOnWriteArrayList<>();
            try (StationClient.Subscription sub = client.subscribe(seen::add);
                 EventSender sender = EventSender.connect(d.events())) {
                sub.acked().get(10, TimeUnit.SECONDS);
                sender.send(StaEvent.upsert(1, station(1, 0, System.currentTimeMillis())));
                DaemonProcess.await(Duration.ofSeconds(10), "REMOVE after expiry",
                        () -> seen.stream().anyMatch(e -> e.type() == EventType.REMOVE));
                assertEquals(EventType.UPSERT, seen.get(0).type());
                StaEvent remove = seen.get(1);
                assertEquals(EventType.REMOVE, remove.type());
                assertEquals(new MacAddress(0x02AB00000001L), remove.sta().mac());
                assertEquals(0, client.list(dev.stationd.protocol.client.ListQuery.ALL).size());
            }
        }
    }

    @Test
    void subscriberThatStopsReadingIsDisconnectedWhileQueriesStayFast() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  subscriber_backlog: 100\n", "");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             StationClient client = StationClient.open(d.socket(), Duration.ofSeconds(2));
             RawConnection stalled = RawConnection.open(d.socket())) {
            stalled.write(CmdFrame.cmd(Wire.SUBSCRIBE).bytes());
            stalled.expectAck("SUBSCRIBE");

            long worstPingNanos = 0;
            try (EventSender sender = EventSender.connect(d.events())) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < 20_000; i++) {  // far more than the socket buffer plus the backlog of 100
                    sender.send(StaEvent.upsert(i, station(i % 500, i / 500, now)));
                    if (i % 2000 == 0) {
                        long t0 = System.nanoTime();
                        client.ping();
                        worstPingNanos = Math.max(worstPingNanos, System.nanoTime() - t0);
                    }
                }
            }
            // The stalled subscriber must now see EOF after whatever the kernel had buffered.
            long total = stalled.drainToEof(Duration.ofSeconds(20), "the stalled subscriber");
            assertTrue(total < 20_000L * StaEvent.SIZE, "it was cut off before receiving everything: " + total);
            assertTrue(worstPingNanos < TimeUnit.SECONDS.toNanos(1),
                    "queries stayed fast while a subscriber stalled: worst ping " + worstPingNanos / 1_000_000 + " ms");
            client.ping();
        }
    }

}
