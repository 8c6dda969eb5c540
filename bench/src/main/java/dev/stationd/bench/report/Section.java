package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Path;

/** One part of {@code results.md}: its tables, the targets it judges, and its charts. */
interface Section {
    /**
     * @param md where the section's text goes
     * @param targets where its targets go (they are listed together at the top)
     */
    void write(StringBuilder md, Targets targets);

    /** @param dir where charts go @throws IOException when one cannot be written */
    default void charts(Path dir) throws IOException {
    }
}
