package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.daemon.config.AccessRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerTest {
    private static final int SELF = 990;
    private static final AccessRule OPEN = AccessRule.ANYONE;

    private static AccessRule uids(Integer... ids) {
        return new AccessRule(Set.of(ids), Set.of());
    }

    @Test
    void openRulesLetEveryoneReadAndAdminister() {
        AccessConfig open = new AccessConfig(OPEN, OPEN);
        Peer p = new Peer(1234, 1234, 1);
        assertTrue(p.isReader(open, SELF));
        assertTrue(p.isAdmin(open, SELF));
    }

    @Test
    void readerListedInReadMayQueryButNotMutateWhenAdminIsRestricted() {
        AccessConfig cfg = new AccessConfig(uids(1000), uids(2000));
        Peer reader = new Peer(1000, 1000, 1);
        assertTrue(reader.isReader(cfg, SELF));
        assertFalse(reader.isAdmin(cfg, SELF));
    }

    @Test
    void peerOutsideReadMayDoNothingEvenWhenAdminListIsOpen() {
        AccessConfig cfg = new AccessConfig(uids(1000), OPEN);
        Peer stranger = new Peer(3000, 3000, 1);
        assertFalse(stranger.isReader(cfg, SELF));
        assertFalse(stranger.isAdmin(cfg, SELF));
        assertTrue(new Peer(1000, 1000, 1).isAdmin(cfg, SELF), "open admin list: every reader is admin");
    }

    @Test
    void listedAdminMayAlsoRead() {
        AccessConfig cfg = new AccessConfig(uids(1000), uids(2000));
        Peer admin = new Peer(2000, 2000, 1);
        assertTrue(admin.isAdmin(cfg, SELF));
        assertTrue(admin.isReader(cfg, SELF));
    }

    @Test
    void rootAndDaemonUserAlwaysMay() {
        AccessConfig cfg = new AccessConfig(uids(1000), uids(2000));
        assertTrue(new Peer(0, 0, 1).isAdmin(cfg, SELF));
        assertTrue(new Peer(SELF, SELF, 1).isAdmin(cfg, SELF));
        assertTrue(new Peer(SELF, SELF, 1).isReader(cfg, SELF));
    }

    @Test
    void primaryGroupMatchesGidRule() {
        AccessConfig cfg = new AccessConfig(new AccessRule(Set.of(), Set.of(50)), uids(2000));
        assertTrue(new Peer(1234, 50, 1).isReader(cfg, SELF));
        assertFalse(new Peer(1234, 51, -1).isReader(cfg, SELF));
    }

    @Test
    void unknownPeerGetsOnlyWhatOpenRulesGive() {
        assertTrue(Peer.UNKNOWN.isReader(new AccessConfig(OPEN, uids(1)), SELF));
        assertFalse(Peer.UNKNOWN.isAdmin(new AccessConfig(OPEN, uids(1)), SELF));
        assertFalse(Peer.UNKNOWN.isReader(new AccessConfig(uids(1), uids(1)), -1));
    }

    @Test
    void supplementaryGroupsMatchGidRules() {
        AccessConfig cfg = new AccessConfig(new AccessRule(Set.of(), Set.of(4242)), new AccessRule(Set.of(), Set.of(4243)));
        Peer reader = new Peer(1234, 1234, 1, Set.of(7, 4242));
        assertTrue(reader.isReader(cfg, SELF));
        assertFalse(reader.isAdmin(cfg, SELF));
        Peer admin = new Peer(1235, 1235, 1, Set.of(4243));
        assertTrue(admin.isAdmin(cfg, SELF), "a supplementary admin group");
        assertTrue(admin.isListedAdmin(cfg));
        assertFalse(new Peer(1236, 1236, 1).isReader(cfg, SELF), "no groups known: primary group only");
    }

    @Test
    void supplementaryGroupsAreOnlyTrustedForTheSameUser() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        int myUid = (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
        java.util.Set<Integer> expected = new java.util.HashSet<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("Groups:")) {
                for (String g : line.substring(7).trim().split("\\s+")) {
                    if (!g.isEmpty()) {
                        expected.add(Integer.parseInt(g));
                    }
                }
            }
        }
        assertEquals(expected, Peer.supplementaryGroups(pid, myUid));
        assertTrue(Peer.supplementaryGroups(pid, myUid + 12345).isEmpty(),
                "a pid whose process belongs to another uid (pid reuse) gives no groups");
    }
}
