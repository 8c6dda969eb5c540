package dev.stationd.daemon.hostapd;

import io.netty.channel.unix.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Says why connecting or sending to hostapd's control socket failed, from the exception's type
 * and errno, never from its message text.
 *
 * <p>What Netty 4.2 throws for a Unix datagram socket: a failed {@code connect(2)} is a
 * {@link FileNotFoundException} without message for {@code ENOENT} and a plain
 * {@link ConnectException} for every other errno, whose value then appears only in the message.
 * For that case the errno is asked of the file system instead: {@code access(2)} for write on
 * the same path runs the checks {@code connect(2)} runs on a socket path (search permission on
 * each directory, write permission on the socket), and Java reports its {@code EACCES} and
 * {@code ENOENT} as {@link AccessDeniedException} and {@link NoSuchFileException}. A path that
 * passes and is a socket refuses because nothing is bound to it any more ({@code ECONNREFUSED}).
 * A failed send is an {@link Errors.NativeIoException} carrying its errno.
 */
final class CtrlErrors {
    /** Why a connect failed. */
    enum ConnectError {
        /** {@code ENOENT}: no such socket file. */
        NO_SOCKET,
        /** {@code EACCES}: no write permission on the socket or no search permission on a directory. */
        PERMISSION,
        /** {@code ECONNREFUSED} on something that is not a socket. */
        NOT_A_SOCKET,
        /** {@code ECONNREFUSED}: a socket file that nothing listens on (left by a hostapd that exited). */
        REFUSED,
        /** Anything else. */
        OTHER
    }

    private CtrlErrors() {
    }

    /**
     * @param ctrl the control socket that was connected to
     * @param t what the connect failed with
     * @return the kind of failure
     */
    static ConnectError classifyConnect(Path ctrl, Throwable t) {
        if (t instanceof FileNotFoundException) {
            return ConnectError.NO_SOCKET;
        }
        if (t instanceof Errors.NativeIoException e) {
            if (e.expectedErr() == Errors.ERRNO_ENOENT_NEGATIVE) {
                return ConnectError.NO_SOCKET;
            }
            if (e.expectedErr() != Errors.ERROR_ECONNREFUSED_NEGATIVE) {
                return ConnectError.OTHER;
            }
        } else if (!(t instanceof ConnectException)) {
            return ConnectError.OTHER;
        }
        try {
            ctrl.getFileSystem().provider().checkAccess(ctrl, AccessMode.WRITE);
            BasicFileAttributes a = Files.readAttributes(ctrl, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // a socket is neither a regular file, a directory nor a link: "other"
            return a.isOther() ? ConnectError.REFUSED : ConnectError.NOT_A_SOCKET;
        } catch (AccessDeniedException e) {
            return ConnectError.PERMISSION;
        } catch (NoSuchFileException e) {
            return ConnectError.NO_SOCKET;
        } catch (IOException | SecurityException e) {
            return ConnectError.OTHER;
        }
    }

    /**
     * @param ctrl the control socket that was connected to
     * @param t what the connect failed with
     * @return one line for the log, saying what to check
     */
    static String describeConnect(Path ctrl, Throwable t) {
        return switch (classifyConnect(ctrl, t)) {
            case NO_SOCKET -> "hostapd control socket " + ctrl + " does not exist (hostapd not running?)";
            case PERMISSION -> "permission denied on hostapd control socket " + ctrl
                    + " (stationd's user must be in hostapd's ctrl_interface_group)";
            case NOT_A_SOCKET -> ctrl + " is not a socket (hostapd.ctrl must name hostapd's control socket)";
            case REFUSED -> "nothing listens on hostapd control socket " + ctrl
                    + " (hostapd not running; the file is left from one that exited)";
            case OTHER -> "cannot connect to " + ctrl + ": " + t;
        };
    }

    /**
     * @param t what a send on the connected socket failed with
     * @return one line for the log
     */
    static String describeSend(Throwable t) {
        if (t instanceof Errors.NativeIoException e && e.expectedErr() == Errors.ERROR_ECONNREFUSED_NEGATIVE) {
            return "hostapd exited"; // the socket it was connected to is gone, even if a new one has its name
        }
        if (t instanceof ClosedChannelException) {
            return "the client socket was closed";
        }
        return String.valueOf(t);
    }
}
