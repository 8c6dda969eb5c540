package dev.stationd.daemon.enrich;

import java.io.IOException;
import java.net.InetAddress;

/** Reads one lease file format. Implementations keep no state between files. */
interface LeaseParser {
    /** Receives what a file states, in file order; a later statement about an address replaces an earlier one. */
    interface Sink {
        /** @param lease a lease (it may have expired already) */
        void lease(Lease lease);

        /** @param address an address the file now states is not leased (released, expired, deleted) */
        void free(InetAddress address);
    }

    /**
     * Reads a whole file; a line that cannot be read is added to {@code problems} and skipped.
     *
     * @param lines the file
     * @param sink where the leases go
     * @param problems where damaged lines are counted
     * @throws IOException if reading fails
     */
    void parse(LineReader lines, Sink sink, ParseProblems problems) throws IOException;
}
