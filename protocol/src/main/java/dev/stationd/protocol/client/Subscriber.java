package dev.stationd.protocol.client;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.codec.Reply;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Opens the dedicated connection of a {@link StationClient#subscribe} and hands its events to the listener. */
final class Subscriber {
    private Subscriber() {
    }

    /**
     * @param loop the client's event loop (events are delivered on it)
     * @param address the daemon's stream socket
     * @param timeout how long the {@code SUBSCRIBE} ACK may take
     * @param listener receives events
     * @return the subscription
     */
    static StationClient.Subscription open(EventLoop loop, DomainSocketAddress address, Duration timeout,
            Consumer<StaEvent> listener) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        ChannelFuture cf = new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ReplyDecoder decoder = new ReplyDecoder();
                        decoder.expect(Command.SUBSCRIBE);
                        ch.pipeline().addLast(decoder, new Handler(listener, acked));
                    }
                }).connect(address);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                acked.completeExceptionally(StationdException.transport("cannot connect to " + address.path(), f.cause()));
                return;
            }
            ByteBuf buf = cf.channel().alloc().buffer(CloudCmdAttr.SIZE);
            CloudCmdAttr.of(Command.SUBSCRIBE).encode(buf);
            cf.channel().writeAndFlush(buf);
        });
        loop.schedule(() -> {
            if (acked.completeExceptionally(new StationdException(StationdException.Kind.TIMEOUT, null,
                    "no SUBSCRIBE ack within " + timeout.toMillis() + " ms", null))) {
                cf.channel().close(); // no half-open subscription that starts delivering later
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new StationClient.Subscription(cf.channel(), acked);
    }

    private static final class Handler extends SimpleChannelInboundHandler<Object> {
        private final Consumer<StaEvent> listener;
        private final CompletableFuture<Void> acked;

        Handler(Consumer<StaEvent> listener, CompletableFuture<Void> acked) {
            this.listener = listener;
            this.acked = acked;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof StaEvent e) {
                listener.accept(e);
            } else if (msg instanceof Reply.Ack) {
                acked.complete(null);
            } else if (msg instanceof Reply.Nak n) {
                acked.completeExceptionally(StationdException.refused(Command.SUBSCRIBE, n.code()));
                ctx.close();
            } else if (msg instanceof Reply.Error e) {
                acked.completeExceptionally(StationdException.refused(Command.SUBSCRIBE, e.code()));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            acked.completeExceptionally(new StationdException(StationdException.Kind.CLOSED, null,
                    "subscription closed", null));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            acked.completeExceptionally(new StationdException(StationdException.Kind.MALFORMED, null,
                    "malformed event stream: " + cause.getMessage(), cause));
            ctx.close();
        }
    }
}
