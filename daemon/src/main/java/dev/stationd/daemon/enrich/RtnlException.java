package dev.stationd.daemon.enrich;

/** A netlink message that is not what the kernel sends: the field, its value, what was expected, where. */
final class RtnlException extends RuntimeException {
    RtnlException(String field, Object value, String expected, int offset) {
        super(field + " = " + value + ", expected " + expected + " (offset " + offset + ")");
    }
}
