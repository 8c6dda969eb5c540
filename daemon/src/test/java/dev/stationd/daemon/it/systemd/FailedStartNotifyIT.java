package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails after the configuration was read still tells systemd why: the sd_notify
 * channel of a running daemon is only opened once the command socket is bound, so the failure
 * path opens one of its own for the {@code STATUS=} line. No {@code READY=1} is ever sent.
 */
class FailedStartNotifyIT {
    /** sysexits EX_DATAERR, the daemon's exit code for a corrupt state file. */
    private static final int EX_DATAERR = 65;

    @TempDir
    Path dir;

    @Test
    void corruptStateFileIsReportedAsStatusAndNoReady() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("filters.conf"), "this is not a filter file\n");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"))) {
            try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of())
                    .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
                assertEquals(EX_DATAERR, d.awaitExit(DaemonProcess.START_DEADLINE), d.output());
            }
            NotifyListener.Message status = notify.await(0, m -> m.text().startsWith("STATUS=cannot start: state file is corrupt"),
                    DaemonProcess.STOP_DEADLINE, "STATUS=cannot start");
            assertTrue(notify.messages().stream().noneMatch(m -> m.has("READY=1")), notify.messages().toString());
            assertTrue(status.text().contains("filters.conf"), status.text());
        }
    }
}
