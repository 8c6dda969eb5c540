package dev.stationd.daemon.it;

import static dev.stationd.daemon.it.Stations.assertSameStation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import dev.stationd.protocol.client.StationdException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAC filters end to end: FILTER_ADD / LIST / DEL / FLUSH, the FILTERED flag in STA_LIST,
 * durability across a SIGTERM restart, the human-readable state file, and a corrupt state file.
 */
class FilterIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** Filters as "group mac" strings, sorted, from FILTER_LIST. */
    private static List<String> filterKeys(StationClient c) {
        return c.filterList().stream()
                .map(r -> Integer.toUnsignedString(r.groupId()) + " " + r.mac())
                .sorted()
                .toList();
    }

    private static Map<MacAddress, StaListAttr> byMac(List<StaListAttr> records) {
        return records.stream().collect(Collectors.toMap(StaListAttr::mac, r -> r, (a, b) -> {
            throw new AssertionError("two records for " + a.mac());
        }, TreeMap::new));
    }

    @Test
    void filterLifecycleSurvivesRestart(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        StaListAttr a = Stations.make(10, now).toBuilder().groupId(3).build();  // own-group filter
        StaListAttr b = Stations.make(11, now).toBuilder().groupId(4).build();  // group-0 filter
        StaListAttr d = Stations.make(12, now).toBuilder().groupId(1).build();  // filter in another group
        StaListAttr e = Stations.make(13, now).toBuilder().groupId(3).build();  // no filter
        MacAddress absent = MacAddress.parse("0a:bc:de:f0:12:34");             // filter, no station

        Path cfg = DaemonProcess.writeConfig(dir, "");
        DaemonProcess daemon = DaemonProcess.start(dir, cfg);
        try (daemon) {
            try (StationClient c = StationClient.open(daemon.socket())) {
                Stations.send(daemon.events(), List.of(a, b, d, e));
                DaemonProcess.await(DEADLINE, "4 stations", () -> c.list(ListQuery.ALL).size() == 4);
                assertEquals(List.of(), c.filterList(), "no filters at first start");
                assertFalse(Files.exists(daemon.stateDir().resolve("filters.conf.prev")));

                c.filterAdd(3, a.mac());
                List<StaListAttr> fl = c.filterList();
                assertEquals(1, fl.size(), fl::toString);
                // the record of a present station carries its live fields, its group and FILTERED
                assertSameStation(Stations.filtered(a), fl.get(0), "FILTER_LIST record of a present station");
                assertSameStation(Stations.filtered(a), c.get(a.mac()), "STA_GET after FILTER_ADD");
                assertEquals(List.of(Stations.filtered(a)), c.list(ListQuery.ALL.group(3).flags(CloudCmdAttr.ONLY_FILTERED)));
                assertEquals(List.of(e), c.list(ListQuery.ALL.group(3).flags(CloudCmdAttr.EXCLUDE_FILTERED)));

                c.filterAdd(0, b.mac());                 // group 0: the MAC in any group
                c.filterAdd(2, d.mac());                 // d is in group 1: no match
                c.filterAdd(5, absent);
                c.filterAdd(3, a.mac());                 // idempotent
                c.filterAdd(0, b.mac());
                assertEquals(List.of("0 " + b.mac(), "2 " + d.mac(), "3 " + a.mac(), "5 " + absent), filterKeys(c));

                Map<MacAddress, StaListAttr> list = byMac(c.list(ListQuery.ALL));
                assertTrue((list.get(a.mac()).flags() & StaFlags.FILTERED) != 0, "a: own-group filter");
                assertTrue((list.get(b.mac()).flags() & StaFlags.FILTERED) != 0, "b: group-0 filter, station in group 4");
                assertEquals(0, list.get(d.mac()).flags() & StaFlags.FILTERED, "d: filter for group 2, station in group 1");
                assertEquals(0, list.get(e.mac()).flags() & StaFlags.FILTERED, "e: no filter");
                assertSameStation(Stations.filtered(b), list.get(b.mac()), "b");
                assertSameStation(d, list.get(d.mac()), "d");
                assertEquals(List.of(Stations.filtered(b)), c.list(ListQuery.ALL.group(4).flags(CloudCmdAttr.ONLY_FILTERED)));

                Map<MacAddress, StaListAttr> records = byMac(c.filterList());
                StaListAttr dRec = records.get(d.mac());
                assertEquals(2, dRec.groupId(), "FILTER_LIST shows the filter's group, not the station's");
                assertTrue((dRec.flags() & StaFlags.FILTERED) != 0);
                assertEquals(d.ssid(), dRec.ssid(), "live fields of a present station");
                StaListAttr absentRec = records.get(absent);
                assertEquals(5, absentRec.groupId());
                assertEquals(StaFlags.FILTERED, absentRec.flags());
                assertEquals(StaListAttr.builder(absent).groupId(5).flags(StaFlags.FILTERED).build(), absentRec,
                        "live fields of an absent station are zero");
            }

            // the state file is human readable and names every filter (with the time it was added)
            String state = Files.readString(daemon.stateDir().resolve("filters.conf"), StandardCharsets.UTF_8);
            for (String line : List.of("3 " + a.mac(), "0 " + b.mac(), "2 " + d.mac(), "5 " + absent)) {
                assertTrue(state.contains("\n" + line + " created="), () -> "'" + line + "' not in filters.conf:\n" + state);
            }
            assertTrue(state.contains(a.mac().toString()));

            // SIGTERM: clean exit, socket files removed
            assertEquals(0, daemon.stop(), daemon::output);
            assertFalse(Files.exists(daemon.socket()), "stream socket file left behind");
            assertFalse(Files.exists(daemon.events()), "ingest socket file left behind");

            // restart on the same config: the filters are back, the stations are not
            daemon.restart();
            try (StationClient c = StationClient.open(daemon.socket())) {
                assertEquals(List.of("0 " + b.mac(), "2 " + d.mac(), "3 " + a.mac(), "5 " + absent), filterKeys(c));
                assertEquals(0, c.list(ListQuery.ALL).size(), "stations are not persisted");
                for (StaListAttr r : c.filterList()) {
                    assertEquals(StaListAttr.builder(r.mac()).groupId(r.groupId()).flags(StaFlags.FILTERED).build(), r);
                }
                // a station arriving now is FILTERED at once
                Stations.send(daemon.events(), List.of(a));
                DaemonProcess.await(DEADLINE, "station a", () -> c.get(a.mac()) != null);
                assertSameStation(Stations.filtered(a), c.get(a.mac()), "a after restart");

                // FILTER_DEL, then again: NAK E_NOENT
                c.filterDel(3, a.mac());
                assertEquals(List.of("0 " + b.mac(), "2 " + d.mac(), "5 " + absent), filterKeys(c));
                assertSameStation(a, c.get(a.mac()), "a after FILTER_DEL: FILTERED cleared");
                StationdException ex = assertThrows(StationdException.class, () -> c.filterDel(3, a.mac()));
                assertEquals(StationdException.Kind.PROTOCOL, ex.kind(), ex::toString);
                assertEquals(ErrorCode.E_NOENT, ex.errorCode(), ex::toString);
                // the group is part of the key: deleting b's filter from group 4 is E_NOENT too
                ex = assertThrows(StationdException.class, () -> c.filterDel(4, b.mac()));
                assertEquals(ErrorCode.E_NOENT, ex.errorCode(), ex::toString);
                c.ping(); // the connection survived the NAKs
                assertEquals(3, c.filterList().size());
                assertFalse(Files.readString(daemon.stateDir().resolve("filters.conf")).contains(a.mac().toString()),
                        "deleted filter still in filters.conf");
            }
        }
    }

    @Test
    void filterFlushClearsOneGroupOrAll(@TempDir Path dir) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
             StationClient c = StationClient.open(daemon.socket())) {
            MacAddress m1 = MacAddress.parse("02:00:00:00:01:01");
            MacAddress m2 = MacAddress.parse("02:00:00:00:01:02");
            MacAddress m3 = MacAddress.parse("02:00:00:00:01:03");
            c.filterAdd(1, m1);
            c.filterAdd(2, m1);
            c.filterAdd(2, m2);
            c.filterAdd(0, m3);
            c.filterAdd(7, m3);
            c.filterAdd(0xFFFF_FFFE, m2); // group ids are u32
            assertEquals(List.of("0 " + m3, "1 " + m1, "2 " + m1, "2 " + m2, "4294967294 " + m2, "7 " + m3),
                    filterKeys(c));

            c.filterFlush(2);   // only group 2
            assertEquals(List.of("0 " + m3, "1 " + m1, "4294967294 " + m2, "7 " + m3), filterKeys(c));
            c.filterFlush(2);   // nothing left in group 2: still ACK
            c.filterFlush(9);   // a group that never had filters: ACK
            c.filterFlush(7);
            assertEquals(List.of("0 " + m3, "1 " + m1, "4294967294 " + m2), filterKeys(c));
            String state = Files.readString(daemon.stateDir().resolve("filters.conf"));
            assertTrue(state.contains("\n4294967294 " + m2 + " created="), state);
            assertFalse(state.contains("7 " + m3), state);

            c.filterFlush(0);   // group 0 = every group, including group-0 filters
            assertEquals(List.of(), filterKeys(c));
            assertFalse(Files.readString(daemon.stateDir().resolve("filters.conf")).contains("02:00:00"));
            StationdException ex = assertThrows(StationdException.class, () -> c.filterDel(0, m3));
            assertEquals(ErrorCode.E_NOENT, ex.errorCode());

            // a hand edit that does not fix the checksum makes the next start-up fail
            c.filterAdd(1, MacAddress.parse("02:00:00:00:02:01"));
            assertEquals(0, daemon.stop(), daemon::output);
            Path stateFile = daemon.stateDir().resolve("filters.conf");
            String text = Files.readString(stateFile);
            assertTrue(text.contains("\n1 02:00:00:00:02:01 created="), text);
            Files.writeString(stateFile, text.replace("\n1 02:00:00:00:02:01 ", "\n1 02:00:00:00:02:09 "));
            try (DaemonProcess bad = DaemonProcess.launch(dir, "--config", dir.resolve("stationd.yaml").toString())) {
                int code = bad.awaitExit(DaemonProcess.START_DEADLINE);
                String out = bad.output();
                assertNotEquals(0, code, out);
                assertTrue(out.contains(stateFile.toString()), () -> "message does not name " + stateFile + ":\n" + out);
                assertTrue(out.contains("checksum"), out);
            }
        }
    }

    @Test
    void corruptStateFileStopsStartUp(@TempDir Path dir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path stateFile = dir.resolve("state").resolve("filters.conf");
        Files.createDirectories(stateFile.getParent());
        Files.writeString(stateFile, "this is not\n\u0000 a filter file \u00ff\u00fe garbage\n");
        try (DaemonProcess bad = DaemonProcess.launch(dir, "--config", cfg.toString())) {
            int code = bad.awaitExit(DaemonProcess.START_DEADLINE);
            String out = bad.output();
            assertNotEquals(0, code, out);
            assertTrue(out.contains(stateFile.toString()) || out.contains(dir.relativize(stateFile).toString()),
                    () -> "message does not name " + stateFile + ":\n" + out);
            assertTrue(out.contains("filters.conf"), out);
        }
        assertFalse(Files.exists(dir.resolve("stationd.sock")), "socket bound despite the corrupt state");
        assertEquals("this is not\n\u0000 a filter file \u00ff\u00fe garbage\n", Files.readString(stateFile),
                "the corrupt file must be left for the operator");
    }
}
