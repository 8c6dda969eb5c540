package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ControlChannel} against a {@link ScriptedHostapd} on a real Unix datagram socket: fences,
 * empty and full-size replies, events around replies, failures and how they are described.
 */
class ControlChannelTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private CtrlFixture f;
    private ScriptedHostapd hostapd;

    @BeforeEach
    void setUp() {
        f = new CtrlFixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void openToHostapd() throws Exception {
        hostapd = f.startHostapd();
        f.openToHostapd();
    }

    private String request(String command) throws Exception {
        return f.request(command);
    }

    private CompletableFuture<String> submit(String command) {
        return f.submit(command);
    }

    private static String capture(String name) {
        return Captures.read("wired-2.10/" + name);
    }

    @Test
    void everyRequestButPingIsFencedAndItsReplyIsTheCapturedDatagram() throws Exception {
        openToHostapd();
        assertEquals(capture("status.txt"), request("STATUS"));
        CompletableFuture<String> pong = new CompletableFuture<>();
        f.onLoop(() -> f.channel.ping(pong::complete));
        assertEquals("PONG\n", pong.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("STATUS", "PING", "PING"), hostapd.received());
    }

    @Test
    void anEmptyReplyThatNeverArrivesIsTheFencesPong() throws Exception {
        openToHostapd();
        assertEquals("", capture("sta-next-end.txt"), "hostapd's reply past the last station is empty");
        assertEquals("", request("STA-FIRST"), "no stations: the empty reply, seen through the fence");
        assertEquals("", request("DENY_ACL SHOW"), "an empty deny list");
    }

    @Test
    void aReplyOfExactly4096BytesIsKeptWhole() throws Exception {
        openToHostapd();
        String full = "freq=2412\n" + "x".repeat(ScriptedHostapd.REPLY_SIZE - 11) + "\n";
        assertEquals(ScriptedHostapd.REPLY_SIZE, full.length());
        hostapd.script(cmd -> cmd.equals("STATUS") ? List.of(full) : null);
        assertEquals(full, request("STATUS"));
        assertFalse(f.failure.isDone());
    }

    @Test
    void eventsBeforeAReplyAndBetweenItAndItsFenceGoToTheListenerInOrder() throws Exception {
        openToHostapd();
        hostapd.connect(FakeHostapdTest.A);
        hostapd.script(cmd -> cmd.equals("STA-FIRST")
                ? List.of(capture("event-2.txt"), hostapd.answer(cmd).get(0), capture("event-5.txt")) : null);
        String reply = request("STA-FIRST");
        assertTrue(reply.startsWith(FakeHostapdTest.A + "\nflags=[AUTHORIZED]\n"), reply);
        assertEquals(List.of("CTRL-EVENT-EAP-STARTED", "CTRL-EVENT-EAP-SUCCESS"),
                f.events.stream().map(CtrlEvent::name).toList());
        assertFalse(f.failure.isDone());
    }

    @Test
    void aSecondReplyWhereTheFenceBelongsFailsTheChannel() throws Exception {
        openToHostapd();
        hostapd.script(cmd -> cmd.equals("STATUS") ? List.of("freq=0\n", "freq=0\n") : null);
        CompletableFuture<String> reply = submit("STATUS");
        CompletableFuture<String> later = submit("GET_CONFIG");
        assertEquals("out-of-step reply to STATUS: freq=0", f.failure.get(5, TimeUnit.SECONDS));
        assertEquals(ControlChannel.State.CLOSED, f.channel.state());
        assertFalse(reply.isDone() || later.isDone(), "no reply is handed out after the failure");
    }

    @Test
    void readsQueuedTogetherShareOneFenceUpToALimitAndTheRepliesAreMatchedInOrder() throws Exception {
        openToHostapd();
        hostapd.script(cmd -> List.of()); // answers nothing by itself: the test answers, in order
        int n = ControlChannel.MAX_IN_FLIGHT + 4;
        List<CompletableFuture<String>> replies = new java.util.ArrayList<>();
        f.onLoop(() -> {
            for (int i = 0; i < n; i++) {
                CompletableFuture<String> reply = new CompletableFuture<>();
                replies.add(reply);
                f.channel.query("STATUS", reply::complete);
            }
        });
        int first = ControlChannel.MAX_IN_FLIGHT;
        // nothing more goes out while the fence is out
        org.awaitility.Awaitility.await().atMost(DEADLINE).during(Duration.ofMillis(300))
                .until(() -> hostapd.received().size() == first + 1);
        assertEquals("PING", hostapd.received().get(first), "one fence after the run");
        for (int i = 0; i < first; i++) {
            hostapd.event("freq=" + i + "\n");
        }
        assertFalse(replies.get(0).isDone(), "replies are handed out at the fence");
        hostapd.event("PONG\n");
        for (int i = 0; i < first; i++) {
            assertEquals("freq=" + i + "\n", replies.get(i).get(5, TimeUnit.SECONDS));
        }
        DaemonProcess.await(DEADLINE, "the rest sent", () -> hostapd.received().size() == first + 1 + (n - first) + 1);
        for (int i = first; i < n; i++) {
            hostapd.event("freq=" + i + "\n");
        }
        hostapd.event("PONG\n");
        for (int i = first; i < n; i++) {
            assertEquals("freq=" + i + "\n", replies.get(i).get(5, TimeUnit.SECONDS));
        }
        assertFalse(f.failure.isDone());
    }

    @Test
    void aRunShortOfRepliesAtItsFenceIsAskedAgainEachWithItsOwnAndAnsweredInOrder() throws Exception {
        openToHostapd();
        hostapd.script(cmd -> List.of()); // the test answers
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        f.onLoop(() -> {
            for (String c : List.of("STA-NEXT a", "STA-NEXT b", "STA-NEXT c")) {
                f.channel.query(c, reply -> order.add(c + " -> " + reply));
            }
        });
        DaemonProcess.await(DEADLINE, "the run and its fence", () -> hostapd.received().size() == 4);
        f.onLoop(() -> f.channel.requestStation("d", reply -> order.add("STA d -> " + reply)));
        hostapd.event("x\n"); // b's reply is empty: two replies, then the PONG
        hostapd.event("y\n");
        hostapd.event("PONG\n");
        // asked again, each with its own fence, ahead of STA d, which was queued meanwhile
        DaemonProcess.await(DEADLINE, "asked again", () -> hostapd.received().size() == 11);
        assertEquals(List.of("STA-NEXT a", "PING", "STA-NEXT b", "PING", "STA-NEXT c", "PING", "STA d"),
                hostapd.received().subList(4, 11));
        for (String r : List.of("x\n", "PONG\n", "PONG\n", "y\n", "PONG\n", "z\n")) { // b: empty, exactly known now
            hostapd.event(r);
        }
        DaemonProcess.await(DEADLINE, "four replies", () -> order.size() == 4);
        assertEquals(List.of("STA-NEXT a -> x\n", "STA-NEXT b -> ", "STA-NEXT c -> y\n", "STA d -> z\n"), order);
        assertFalse(f.failure.isDone());
    }

    @Test
    void requestsThatMayChangeSomethingHaveAFenceEachAndGoOutAheadOfTheirReplies() throws Exception {
        openToHostapd();
        hostapd.script(cmd -> List.of()); // the test answers, in order
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        f.onLoop(() -> {
            f.channel.request("DENY_ACL ADD_MAC a", reply -> order.add("ADD a -> " + reply));
            f.channel.query("DENY_ACL SHOW", reply -> order.add("SHOW -> " + reply));
            f.channel.request("DENY_ACL DEL_MAC a", reply -> order.add("DEL a -> " + reply));
        });
        // all out before any reply: two with a fence each, the read with its own (alone in its run)
        DaemonProcess.await(DEADLINE, "all three sent", () -> hostapd.received().size() == 6);
        assertEquals(List.of("DENY_ACL ADD_MAC a", "PING", "DENY_ACL SHOW", "PING", "DENY_ACL DEL_MAC a", "PING"),
                hostapd.received());
        for (String r : List.of("OK\n", "PONG\n", "PONG\n", "OK\n", "PONG\n")) { // SHOW: empty
            hostapd.event(r);
        }
        DaemonProcess.await(DEADLINE, "three replies", () -> order.size() == 3);
        assertEquals(List.of("ADD a -> OK\n", "SHOW -> ", "DEL a -> OK\n"), order, "each sent once, in order");
        assertEquals(6, hostapd.received().size());
    }

    @Test
    void aRequestWithoutReplyTimesOut() throws Exception {
        hostapd = f.startHostapd();
        f.open(f.ctrl(), 200).get(5, TimeUnit.SECONDS);
        hostapd.script(cmd -> List.of()); // hung: not even the fence is answered
        submit("STATUS");
        assertEquals("no reply to STATUS within 200 ms (hostapd hung?)", f.failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aMissingControlSocketIsSaidToBeMissing() throws Exception {
        Path ctrl = dir.resolve("nothing");
        f.open(ctrl, 2_000);
        assertEquals("hostapd control socket " + ctrl + " does not exist (hostapd not running?)",
                f.failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSocketFileNobodyListensOnIsSaidToBeLeftOver() throws Exception {
        Path ctrl = dir.resolve("stale");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(ctrl)); // closing leaves the file, as a hostapd killed with -9 does
        }
        f.open(ctrl, 2_000);
        assertEquals("nothing listens on hostapd control socket " + ctrl
                + " (hostapd not running; the file is left from one that exited)", f.failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFileThatIsNotASocketIsSaidToBeOne() throws Exception {
        Path ctrl = Files.writeString(dir.resolve("file"), "");
        f.open(ctrl, 2_000);
        assertEquals(ctrl + " is not a socket (hostapd.ctrl must name hostapd's control socket)",
                f.failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSendToAHostapdThatExitedFailsAtOnceAsHostapdExited() throws Exception {
        openToHostapd();
        assertEquals(capture("status.txt"), request("STATUS"));
        hostapd.close();
        Files.deleteIfExists(f.ctrl());
        hostapd = f.startHostapd(); // a new one at the same path
        submit("STATUS");
        assertEquals("cannot send STATUS: hostapd exited", f.failure.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(), hostapd.received(), "the new hostapd got nothing from the old connection");
    }

    @Test
    void requestAllHandsOverEveryReplyInOrderWithNothingInBetween() throws Exception {
        openToHostapd();
        CompletableFuture<List<String>> replies = new CompletableFuture<>();
        CompletableFuture<String> after = new CompletableFuture<>();
        f.onLoop(() -> {
            f.channel.requestAll(List.of("STATUS", "GET_CONFIG", "STA-FIRST"), replies::complete);
            f.channel.request("DENY_ACL SHOW", after::complete);
        });
        assertEquals(List.of(capture("status.txt"), capture("get-config.txt"), ""), replies.get(5, TimeUnit.SECONDS));
        assertEquals("", after.get(5, TimeUnit.SECONDS));
        // requests that may change something have a fence each (they are never asked twice)
        assertEquals(List.of("STATUS", "PING", "GET_CONFIG", "PING", "STA-FIRST", "PING", "DENY_ACL SHOW", "PING"),
                hostapd.received());
    }

    @Test
    void closingWithDetachSendsDetachAndNothingElseFollows() throws Exception {
        openToHostapd();
        Consumer<String> never = r -> {
            throw new AssertionError("reply after close: " + r);
        };
        f.onLoop(() -> {
            f.channel.close(true);
            f.channel.request("STATUS", never);
        });
        DaemonProcess.await(DEADLINE, "DETACH", () -> hostapd.received().contains("DETACH"));
        assertEquals(List.of("DETACH"), hostapd.received());
        assertFalse(f.failure.isDone(), "closing is not a failure");
    }

    /** hostapd's text in a log line: its first line, escaped, cut. */
    @Test
    void briefShowsTheFirstLineEscaped() {
        assertEquals("FAIL\\x1b[2J ...", ControlChannel.brief("FAIL\u001b[2J\nsecond line"));
        assertEquals("a\\rb", ControlChannel.brief("a\rb\n"), "a carriage return inside the line");
        assertEquals("(empty)", ControlChannel.brief(" \n"));
        assertEquals("x".repeat(77) + "...", ControlChannel.brief("x".repeat(100)));
    }
}
