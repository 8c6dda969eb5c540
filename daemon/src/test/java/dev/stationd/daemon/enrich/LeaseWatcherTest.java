package dev.stationd.daemon.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher on real files with inotify, feeding a real station table. */
class LeaseWatcherTest {
    private static final MacAddress A = MacAddress.parse("02:aa:bb:cc:dd:01");
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final StationTable table = new StationTable(16, System::currentTimeMillis);
    private LeaseWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.stop();
        }
    }

    private void start(Path file, LeaseFormat format) throws IOException, InterruptedException {
        Learner learner = new Learner(table, Set.of(), System::currentTimeMillis);
        table.learnFrom(learner);
        table.apply(StaEvent.upsert(0, StaListAttr.builder(A).ifname("wlan0").lastSeenMs(Long.MAX_VALUE / 2).build()));
        watcher = new LeaseWatcher(List.of(new LeaseFile(file, format)), learner, System::currentTimeMillis);
        watcher.start();
        await("first read", watcher::loaded);
    }

    private static String line(String ip, String name, long expiresS) {
        return expiresS + " 02:aa:bb:cc:dd:01 " + ip + " " + name + " *\n";
    }

    private static long in(int seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    private StaListAttr station() {
        return table.snapshot().get(A);
    }

    private void awaitIp(String ip) throws InterruptedException {
        await("ipv4 " + ip + " (now " + station().ipv4().getHostAddress() + ")",
                () -> station().ipv4().getHostAddress().equals(ip));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5); // polling interval only; the deadline decides
        }
    }

    /** Writes like dnsmasq: truncate, then rewrite in place. */
    private static void rewrite(Path p, String content) throws IOException {
        Files.writeString(p, content);
    }

    @Test
    void followsWritesRenamesDeletionAndDamage() throws Exception {
        Path p = dir.resolve("dnsmasq.leases");
        rewrite(p, line("10.0.0.1", "anna", in(3600)));
        start(p, LeaseFormat.DNSMASQ);
        awaitIp("10.0.0.1");
        assertEquals("anna", station().hostname());

        rewrite(p, line("10.0.0.2", "anna", in(3600)));          // new lease, in place
        awaitIp("10.0.0.2");

        Path tmp = Files.writeString(dir.resolve("dnsmasq.leases.tmp"), line("10.0.0.3", "anna", in(3600)));
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // rename into place
        awaitIp("10.0.0.3");

        long readsBefore = watcher.reads();
        Files.delete(p);                                          // missing: what it said stays
        await("the deletion to be seen", () -> watcher.reads() > readsBefore);
        assertEquals("10.0.0.3", station().ipv4().getHostAddress());

        long readsGarbage = watcher.reads();
        Files.write(p, new byte[] {0, 1, 2, 3, '\n', (byte) 0xff, '\n'}); // garbage: never blanks good data
        await("the garbage to be read", () -> watcher.reads() > readsGarbage);
        assertEquals("10.0.0.3", station().ipv4().getHostAddress());

        rewrite(p, "junk line\n" + line("10.0.0.4", "anna2", in(3600)));  // damaged lines are skipped
        awaitIp("10.0.0.4");
        assertEquals("anna2", station().hostname());

        rewrite(p, "");                                           // an empty (clean) file: no leases any more
        awaitIp("0.0.0.0");
        assertEquals("", station().hostname());
    }

    @Test
    void anExpiredLeaseStopsCountingAtItsEndWithoutAnyFileChange() throws Exception {
        Path p = dir.resolve("dnsmasq.leases");
        rewrite(p, line("10.0.0.1", "anna", in(2)));
        start(p, LeaseFormat.DNSMASQ);
        awaitIp("10.0.0.1");
        awaitIp("0.0.0.0");
        assertEquals("", station().hostname());
    }

    @Test
    void aFileInADirectoryThatAppearsLater() throws Exception {
        Path p = dir.resolve("var/lib/kea/kea-leases4.csv");
        start(p, LeaseFormat.KEA);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
                + "user_context\n10.77.0.100,02:aa:bb:cc:dd:01,,3600," + in(3600) + ",1,0,0,phone-anna,0,\n");
        awaitIp("10.77.0.100");
        assertEquals("phone-anna", station().hostname());
    }

    @Test
    void idleWatcherSleepsWithoutATimeout() throws Exception {
        Path p = dir.resolve("dnsmasq.leases");
        rewrite(p, line("10.0.0.1", "anna", 0)); // an infinite lease: no expiry to wake up for
        start(p, LeaseFormat.DNSMASQ);
        awaitIp("10.0.0.1");
        Thread t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals("stationd-leases"))
                .findFirst().orElseThrow();
        await("the watcher to block without a timeout", () -> t.getState() == Thread.State.WAITING);
        assertTrue(t.isAlive());
    }
}
