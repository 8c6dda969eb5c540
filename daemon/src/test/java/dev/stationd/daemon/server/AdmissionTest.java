package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.daemon.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who gets a connection: 10 slots, 2 of them for admins, 3 per uid. */
class AdmissionTest {
    private static final ServerConfig LIMITS;

    static {
        ServerConfig d = ServerConfig.defaults();
        LIMITS = new ServerConfig(d.socket(), d.socketMode(), d.socketGroup(), d.socketGid(), d.backlog(), 10, 3, 2,
                d.idleTimeout(), d.ioThreads(), d.writeBufferHigh(), d.writeBufferLow(), d.subscriberBacklog(),
                d.maxPendingBytes());
    }

    private final Admission admission = new Admission();

    private Admission.Outcome reader(int uid) {
        return admission.admit(new Peer(uid, uid, 1), Rights.READ, false, true, LIMITS);
    }

    @Test
    void readersFillAllButTheReserveAndAdminsTakeTheRest() {
        for (int uid = 1; uid <= 8; uid++) {
            assertEquals(Admission.Outcome.ADMITTED, reader(uid));
        }
        assertEquals(Admission.Outcome.FULL, reader(9), "the last two slots are the admins'");
        assertEquals(Admission.Outcome.ADMITTED, admission.admit(new Peer(0, 0, 1), Rights.ADMIN, true, false, LIMITS));
        assertEquals(Admission.Outcome.ADMITTED, admission.admit(new Peer(77, 77, 1), Rights.ADMIN, true, true, LIMITS));
        assertEquals(Admission.Outcome.FULL, admission.admit(new Peer(0, 0, 1), Rights.ADMIN, true, false, LIMITS),
                "max_connections holds for admins too");
        admission.release(new Peer(3, 3, 1), Admission.Outcome.ADMITTED);
        assertEquals(Admission.Outcome.FULL, reader(9), "a freed slot beyond the readers' share stays the admins'");
        assertEquals(9, admission.admitted());
    }

    @Test
    void oneUidHoldsAtMostItsCapRootIsNotCapped() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Admission.Outcome.ADMITTED, reader(1000));
        }
        assertEquals(Admission.Outcome.UID_FULL, reader(1000));
        assertEquals(Admission.Outcome.ADMITTED, reader(1001), "another uid is not held back");
        admission.release(new Peer(1000, 1000, 1), Admission.Outcome.ADMITTED);
        assertEquals(Admission.Outcome.ADMITTED, reader(1000), "its slot came back");
        for (int i = 0; i < 4; i++) {
            assertEquals(Admission.Outcome.ADMITTED, admission.admit(new Peer(0, 0, 1), Rights.ADMIN, true, false, LIMITS),
                    "root: not capped");
        }
    }

    @Test
    void outsidersNeverTakeASlotAndOnlyAFewWaitAtOnce() {
        List<Admission.Outcome> out = new ArrayList<>();
        for (int i = 0; i < Admission.OUTSIDERS; i++) {
            out.add(admission.admit(new Peer(5000 + i, 5000, 1), Rights.NONE, false, true, LIMITS));
        }
        assertEquals(List.of(Admission.Outcome.OUTSIDER), out.stream().distinct().toList());
        assertEquals(Admission.Outcome.OUTSIDERS_FULL, admission.admit(new Peer(6000, 6000, 1), Rights.NONE, false, true,
                LIMITS));
        assertEquals(0, admission.admitted());
        for (int uid = 1; uid <= 8; uid++) {
            assertEquals(Admission.Outcome.ADMITTED, reader(uid), "readers still get in");
        }
        admission.release(new Peer(5000, 5000, 1), Admission.Outcome.OUTSIDER);
        assertEquals(Admission.Outcome.OUTSIDER, admission.admit(new Peer(6000, 6000, 1), Rights.NONE, false, true,
                LIMITS));
    }
}
