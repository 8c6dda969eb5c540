package dev.stationd.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link CommandDecoder#decodeFrame} and {@link CommandError} without a pipeline. */
class CommandDecoderTest {

    private static Object decode(byte[] frame) {
        ByteBuf b = Unpooled.wrappedBuffer(frame);
        try {
            Object o = CommandDecoder.decodeFrame(b);
            assertEquals(0, b.readableBytes(), "the whole frame is consumed");
            assertEquals(1, b.refCnt(), "decodeFrame does not release");
            return o;
        } finally {
            b.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Command.class)
    void validFrameOfEveryCommand(Command c) {
        CmdFrame f = CmdFrame.cmd(c.code()).seq(c.code() * 11);
        if (c.needsMac() || c.needsMacOrSelector()) {
            f.mac(0x02, 0, 0, 0, 0, c.code()); // 16 mac
        }
        CloudCmdAttr cmd = assertInstanceOf(CloudCmdAttr.class, decode(f.bytes()));
        assertEquals(c, cmd.command());
        assertEquals(c.code() * 11, cmd.seq());
    }

    @Test
    void bareErrorsCarryNoCommand() {
        CommandError magic = assertInstanceOf(CommandError.class, decode(CmdFrame.cmd(7).magic(1).bytes()));
        assertEquals(ErrorCode.E_MAGIC, magic.code());
        assertNull(magic.command());
        CommandError version = assertInstanceOf(CommandError.class, decode(CmdFrame.cmd(7).version(3).bytes()));
        assertEquals(ErrorCode.E_VERSION, version.code());
        assertNull(version.command(), "a frame with an unknown version is not trusted for its cmd");
        CommandError cmd = assertInstanceOf(CommandError.class, decode(CmdFrame.cmd(0).bytes()));
        assertEquals(ErrorCode.E_CMD, cmd.code());
        assertNull(cmd.command());
    }

    @ParameterizedTest
    @EnumSource(Command.class)
    void eArgCarriesTheCommandSoTheReplyTakesItsForm(Command c) {
        CommandError err = assertInstanceOf(CommandError.class, decode(CmdFrame.cmd(c.code()).mac(2, 0, 0, 0, 0, 1).reserved(3, 9).bytes()));
        assertEquals(ErrorCode.E_ARG, err.code());
        assertEquals(c, err.command());
        assertTrue(err.detail().contains("reserved") && err.detail().contains("offset 55"), err.detail()); // 52 + 3
        Reply expected = c.replyForm() == Command.ReplyForm.ACK ? Reply.nak(ErrorCode.E_ARG) : Reply.error(ErrorCode.E_ARG);
        assertEquals(expected, err.reply());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void commandErrorReplyFormAndClose(ErrorCode code) {
        for (Command c : Command.values()) {
            CommandError err = new CommandError(code, c, "x");
            Reply expected = code.isBare() || c.replyForm() != Command.ReplyForm.ACK
                    ? Reply.error(code) : Reply.nak(code);
            assertEquals(expected, err.reply(), code + " for " + c);
            assertEquals(code == ErrorCode.E_MAGIC || code == ErrorCode.E_BUSY, err.closesConnection());
        }
        assertEquals(Reply.error(code), new CommandError(code, null, "x").reply(), "no command: bare");
    }

    @Test
    void commandErrorValidation() {
        assertThrows(IllegalArgumentException.class, () -> new CommandError(null, null, "x"));
        assertThrows(IllegalArgumentException.class, () -> new CommandError(ErrorCode.E_ARG, null, null));
    }

    @Test
    void decoderIsSharable() {
        assertTrue(CommandDecoder.INSTANCE.isSharable());
        assertTrue(ReplyEncoder.INSTANCE.isSharable());
        assertEquals(false, new CommandFrameDecoder().isSharable());
    }

    @Test
    void errorDetailsMatchTheProtocolExceptionMessage() {
        CommandError err = assertInstanceOf(CommandError.class,
                decode(CmdFrame.cmd(1).flags(4).bytes())); // 22 flags = 0x4
        assertEquals(ErrorCode.E_ARG, err.code());
        assertTrue(err.detail().startsWith("flags at offset 22: got 0x4, expected "), err.detail());
        assertEquals(Wire.int32(-4).length, ReplyEncoder.size(err.reply()));
    }
}
