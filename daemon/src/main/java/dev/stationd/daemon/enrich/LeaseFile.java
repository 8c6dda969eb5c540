package dev.stationd.daemon.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One configured lease file ({@code enrich.leases} entry) and how to read it into the leases it
 * states, one per address (the last statement about an address wins), at most
 * {@link #MAX_LEASES}.
 *
 * @param path the file
 * @param format its format
 */
public record LeaseFile(Path path, LeaseFormat format) {
    /** Most addresses kept per file; more are ignored (and reported). */
    public static final int MAX_LEASES = 32_768;

    /** Checks the fields. */
    public LeaseFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
    }

    /** How a read went. */
    enum Outcome {
        /** read (possibly with damaged lines, see {@link Read#problems()}) */
        READ,
        /** the file does not exist */
        MISSING,
        /** it could not be opened or read */
        UNREADABLE
    }

    /**
     * The result of one read.
     *
     * @param outcome how it went
     * @param leases by address, in file order; empty unless {@link Outcome#READ}
     * @param problems damaged lines (or why the file could not be read)
     */
    record Read(Outcome outcome, Map<InetAddress, Lease> leases, ParseProblems problems) {
    }

    /** @return the file's leases now */
    Read read() {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in);
        } catch (NoSuchFileException e) {
            return new Read(Outcome.MISSING, Map.of(), new ParseProblems());
        } catch (IOException e) {
            ParseProblems p = new ParseProblems();
            p.addFileProblem("cannot read: " + e);
            return new Read(Outcome.UNREADABLE, Map.of(), p);
        }
    }

    /**
     * @param in the file's bytes
     * @return its leases
     * @throws IOException if reading fails
     */
    Read read(InputStream in) throws IOException {
        ParseProblems problems = new ParseProblems();
        Map<InetAddress, Lease> leases = new LinkedHashMap<>();
        boolean[] full = new boolean[1];
        LineReader lines = new LineReader(in);
        format.parser().parse(lines, new LeaseParser.Sink() {
            @Override
            public void lease(Lease lease) {
                if (leases.size() >= MAX_LEASES && !leases.containsKey(lease.address())) {
                    if (!full[0]) {
                        full[0] = true;
                        problems.addFileProblem("more than " + MAX_LEASES + " addresses; the rest is ignored");
                    }
                    return;
                }
                leases.remove(lease.address()); // keeps file order: the address moves to where it was last stated
                leases.put(lease.address(), lease);
            }

            @Override
            public void free(InetAddress address) {
                leases.remove(address);
            }
        }, problems);
        if (lines.truncated()) {
            problems.addFileProblem("larger than " + (LineReader.MAX_FILE_BYTES >> 20) + " MiB; the rest is ignored");
        }
        return new Read(Outcome.READ, Collections.unmodifiableMap(leases), problems);
    }

    @Override
    public String toString() {
        return path + " (" + format.key() + ")";
    }
}
