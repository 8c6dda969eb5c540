package dev.stationd.daemon.server;

import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.codec.Reply;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests answered, by command and result code: one {@link LongAdder} per pair, so counting is a
 * single uncontended add on the event loop that answers. Read at scrape time.
 */
public final class RequestCounts {
    /** The command slot of a frame whose command could not be read ({@code E_MAGIC}, {@code E_VERSION}, {@code E_CMD}). */
    public static final int UNKNOWN_COMMAND = Command.values().length;
    /** The result slot of a successful reply (a table or {@code ACK}). */
    public static final int OK = 0;

    private static final int RESULTS = ErrorCode.values().length + 1;
    private final LongAdder[] counts = new LongAdder[(UNKNOWN_COMMAND + 1) * RESULTS];

    /** Creates every counter at zero. */
    public RequestCounts() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /**
     * Counts one answered request.
     *
     * @param command the command, {@code null} when it could not be read
     * @param reply what it was answered: a {@link Reply} or an encoded table
     */
    public void count(Command command, Object reply) {
        counts[index(command == null ? UNKNOWN_COMMAND : command.ordinal(), resultOf(reply))].increment();
    }

    /**
     * @param command a {@link Command} ordinal or {@link #UNKNOWN_COMMAND}
     * @param result {@link #OK} or {@code 1 +} an {@link ErrorCode} ordinal (see {@link #resultOf})
     * @return how many requests got that answer
     */
    public long get(int command, int result) {
        return counts[index(command, result)].sum();
    }

    /** @return every request answered */
    public long total() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    /** @return requests answered with an error code */
    public long errors() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) {
            if (i % RESULTS != OK) {
                n += counts[i].sum();
            }
        }
        return n;
    }

    /** @return the number of result slots: {@link #OK} and one per {@link ErrorCode} */
    public static int results() {
        return RESULTS;
    }

    /** @return the result slot of a reply: {@link #OK}, or {@code 1 +} its error code's ordinal */
    static int resultOf(Object reply) {
        if (reply instanceof Reply.Nak nak) {
            return 1 + nak.code().ordinal();
        }
        if (reply instanceof Reply.Error err) {
            return 1 + err.code().ordinal();
        }
        return OK;
    }

    /** @return the name of a result slot: {@code OK} or the error's name, e.g. {@code E_PERM} */
    public static String resultName(int result) {
        return result == OK ? "OK" : ErrorCode.values()[result - 1].name();
    }

    /** @return the name of a command slot: the command's name, or {@code unknown} */
    public static String commandName(int command) {
        return command == UNKNOWN_COMMAND ? "unknown" : Command.values()[command].name();
    }

    private static int index(int command, int result) {
        return command * RESULTS + result;
    }
}
