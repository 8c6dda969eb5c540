package dev.stationd.protocol.codec;

import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;

/**
 * A command frame that failed validation, as emitted by {@link CommandDecoder}.
 *
 * @param code the error the frame earns
 * @param command the command when it could be read ({@code null} for {@code E_MAGIC},
 *     {@code E_VERSION} and {@code E_CMD})
 * @param detail what was wrong: field, value, expected, offset
 */
public record CommandError(ErrorCode code, Command command, String detail) {
    /** Validates the components. */
    public CommandError {
        if (code == null || detail == null) {
            throw new IllegalArgumentException("code and detail must not be null");
        }
    }

    /** @return the reply this error gets on the wire (bare code, NAK, or negative table num) */
    public Reply reply() {
        if (code.isBare() || command == null) {
            return Reply.error(code);
        }
        return command.replyForm() == Command.ReplyForm.ACK ? Reply.nak(code) : Reply.error(code);
    }

    /** @return whether the connection must be closed after the reply */
    public boolean closesConnection() {
        return code.closesConnection();
    }
}
