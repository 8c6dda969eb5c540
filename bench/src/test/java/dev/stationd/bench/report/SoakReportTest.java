package dev.stationd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** W10's verdicts from synthetic samples: the RSS trend after the first 5 minutes, fds and threads. */
class SoakReportTest {
    @TempDir
    Path dir;

    /**
     * An hour of samples every 10 s: RSS climbing 20 MiB during the first 5 minutes (start-up,
     * not trend), then {@code slopeMibPerHour} plus a ±0.5 MiB saw-tooth; fds and threads as given.
     */
    private String report(double slopeMibPerHour, int lastFds) throws IOException {
        StringBuilder csv = new StringBuilder("t_s,rss_kib,fds,threads,cpu_ticks\n");
        for (int t = 0; t <= 3600; t += 10) {
            double mib = t < 300 ? 60 + 20.0 * t / 300 : 80 + slopeMibPerHour * (t - 300) / 3600.0 + (t / 10 % 2 == 0 ? 0.5 : -0.5);
            int fds = t > 3000 ? lastFds : 56;
            csv.append(String.format(Locale.ROOT, "%d,%d,%d,17,%d%n", t, Math.round(mib * 1024), fds, t));
        }
        Files.writeString(dir.resolve("w10-samples.csv"), csv);
        // every minute: the heap flat at 16 MiB, anonymous memory growing with the slope
        StringBuilder parts = new StringBuilder("t_s,heap_kib,code_kib,archive_kib,libjvm_kib,files_kib,anon_kib\n");
        for (int t = 0; t <= 3600; t += 60) {
            parts.append(String.format(Locale.ROOT, "%d,16384,3072,17408,13312,5120,%d%n", t,
                    Math.round((12 + slopeMibPerHour * t / 3600.0) * 1024)));
        }
        Files.writeString(dir.resolve("w10-rss-parts.csv"), parts);
        Report.main(new String[] {dir.toString(), dir.toString()});
        return Files.readString(dir.resolve("results.md"));
    }

    @Test
    void aFlatSoakMeetsEveryTargetAndIsCharted() throws IOException {
        String md = report(0.5, 56);
        assertTrue(md.contains("| W10 RSS trend after 5 min | ≤ 1 MiB/hour | +0.50 MiB/hour | **met** |"), md);
        assertTrue(md.contains("| W10 open fds | no growth (max of the last third ≤ max of the first third) | 56 → 56 | **met** |"), md);
        assertTrue(md.contains("| W10 threads | no growth (max of the last third ≤ max of the first third) | 17 → 17 | **met** |"), md);
        assertTrue(Files.size(dir.resolve("w10-rss.png")) > 1000, "chart written");
    }

    @Test
    void aSlowLeakAndAGrowingFdCountAreNotMet() throws IOException {
        String md = report(3, 60);
        assertTrue(md.contains("| W10 RSS trend after 5 min | ≤ 1 MiB/hour | +3.00 MiB/hour | **NOT met** |"), md);
        assertTrue(md.contains("| W10 open fds | no growth (max of the last third ≤ max of the first third) | 56 → 60 | **NOT met** |"), md);
        assertTrue(md.contains("| Java heap | 16 | 16 | +0.00 |"), md);
        assertTrue(md.contains("| anonymous: malloc, metaspace, thread stacks, direct buffers | 12.3 | 15 | +3.00 |"), md);
    }

    @Test
    void fitIsLeastSquares() {
        double[] f = AccessPointSection.fit(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7});
        assertEquals(2, f[0], 1e-9, "slope");
        assertEquals(1, f[1], 1e-9, "intercept");
    }
}
