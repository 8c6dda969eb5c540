package dev.stationd.protocol.codec;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only stand-in for the daemon's command handler: answers a {@link CommandError} with
 * {@link CommandError#reply()} (closing when {@link CommandError#closesConnection()}), an ACK-form
 * command with {@link Reply#ack()} and a table command with an empty table. After a closing error
 * the stream cannot be trusted, so every later frame is counted and ignored.
 */
final class MimicDaemonHandler extends ChannelInboundHandlerAdapter {
    /** Everything answered, in order ({@link CloudCmdAttr} or {@link CommandError}). */
    final List<Object> answered = new ArrayList<>();
    /** Frames that arrived after a closing error. */
    int ignoredAfterClose;
    private boolean untrusted;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (untrusted) {
                ignoredAfterClose++;
                return;
            }
            if (msg instanceof CommandError err) {
                answered.add(err);
                ChannelFuture f = ctx.writeAndFlush(err.reply());
                if (err.closesConnection()) {
                    untrusted = true;
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof CloudCmdAttr cmd) {
                answered.add(cmd);
                ctx.writeAndFlush(switch (cmd.command().replyForm()) {
                    case ACK -> Reply.ack();
                    case TABLE -> Reply.table(List.of());
                    case FILTER_TABLE -> Reply.filterTable(List.of());
                });
            } else {
                throw new AssertionError("decoders passed through " + msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
