package dev.stationd.protocol.codec;

import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.StaListAttr;
import java.util.List;

/** A reply from the daemon, encoded by {@link ReplyEncoder}. */
public sealed interface Reply permits Reply.Table, Reply.FilterTable, Reply.Ack, Reply.Nak, Reply.Error {
    /** {@code "ACK\0"}. */
    Ack ACK = new Ack();

    /**
     * @param records the stations, in order
     * @return a table reply
     */
    static Table table(List<StaListAttr> records) {
        return new Table(List.copyOf(records));
    }

    /**
     * @param records the filters, in order
     * @return a filter table reply ({@code FILTER_DUMP})
     */
    static FilterTable filterTable(List<FilterAttr> records) {
        return new FilterTable(List.copyOf(records));
    }

    /** @return the ack reply */
    static Ack ack() {
        return ACK;
    }

    /**
     * @param code the error
     * @return {@code "NAK\0"} + code
     */
    static Nak nak(ErrorCode code) {
        return new Nak(code);
    }

    /**
     * @param code the error
     * @return a bare negative {@code int32} (also the error table reply)
     */
    static Error error(ErrorCode code) {
        return new Error(code);
    }

    /**
     * {@code int32 num} + {@code num} records.
     *
     * @param records the stations
     */
    record Table(List<StaListAttr> records) implements Reply {
        /** Validates. */
        public Table {
            if (records == null) {
                throw new IllegalArgumentException("records must not be null");
            }
        }

        @Override
        public String toString() {
            return "Table[records=" + records.size() + "]";
        }
    }

    /**
     * {@code int32 num} + {@code num} {@code filter_attr} records.
     *
     * @param records the filters
     */
    record FilterTable(List<FilterAttr> records) implements Reply {
        /** Validates. */
        public FilterTable {
            if (records == null) {
                throw new IllegalArgumentException("records must not be null");
            }
        }

        @Override
        public String toString() {
            return "FilterTable[records=" + records.size() + "]";
        }
    }

    /** {@code "ACK\0"}. */
    record Ack() implements Reply {
    }

    /**
     * {@code "NAK\0"} + {@code int32} code.
     *
     * @param code the error
     */
    record Nak(ErrorCode code) implements Reply {
        /** Validates. */
        public Nak {
            if (code == null) {
                throw new IllegalArgumentException("code must not be null");
            }
        }
    }

    /**
     * A bare negative {@code int32}.
     *
     * @param code the error
     */
    record Error(ErrorCode code) implements Reply {
        /** Validates. */
        public Error {
            if (code == null) {
                throw new IllegalArgumentException("code must not be null");
            }
        }
    }
}
