package dev.stationd.protocol.client;

import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;

/** A request to stationd failed: the daemon answered with an error, or the transport failed. */
public final class StationdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Kind {
        /** The daemon answered with an error code ({@link #errorCode()}). */
        PROTOCOL,
        /** No reply within the request timeout. */
        TIMEOUT,
        /** The connection closed before the reply. */
        CLOSED,
        /** Connecting or writing failed. */
        IO,
        /** The daemon's reply did not follow the protocol. */
        MALFORMED
    }

    private final Kind kind;
    private final transient ErrorCode errorCode;

    /**
     * @param kind why
     * @param errorCode the daemon's code for {@link Kind#PROTOCOL}, else {@code null}
     * @param message what happened
     * @param cause underlying failure or {@code null}
     */
    public StationdException(Kind kind, ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    /** @return the daemon refused {@code command} with {@code code} ({@link Kind#PROTOCOL}) */
    static StationdException refused(Command command, ErrorCode code) {
        return new StationdException(Kind.PROTOCOL, code, command + " failed: " + code + " (" + code.code() + ")", null);
    }

    /** @return the connection failed ({@link Kind#IO}) or, without a cause, was closed ({@link Kind#CLOSED}) */
    static StationdException transport(String why, Throwable cause) {
        String msg = cause == null ? why : why + ": " + cause.getMessage();
        return new StationdException(cause == null ? Kind.CLOSED : Kind.IO, null, msg, cause);
    }

    /** @return why the request failed */
    public Kind kind() {
        return kind;
    }

    /** @return the daemon's error code, or {@code null} unless {@link #kind()} is {@link Kind#PROTOCOL} */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
