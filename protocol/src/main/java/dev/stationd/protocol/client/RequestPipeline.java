package dev.stationd.protocol.client;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
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
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request connection of a {@link StationClient}: pipelines requests on one connection and
 * matches replies in request order, connects on demand, resends what a one-shot server left
 * unanswered (see {@link StationClient}), and fails what times out. All state is confined to one
 * event loop; {@link #send} and {@link #close} may be called from any thread.
 */
final class RequestPipeline {
    private final DomainSocketAddress address;
    private final Duration timeout;
    private final EventLoop loop;
    private final Bootstrap bootstrap;

    // Confined to `loop`.
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final ArrayDeque<Pending> inflight = new ArrayDeque<>();
    private Channel channel;
    private boolean connecting;
    private int repliesOnChannel;
    private volatile boolean closed;

    RequestPipeline(DomainSocketAddress address, Duration timeout, EventLoop loop) {
        this.address = address;
        this.timeout = timeout;
        this.loop = loop;
        this.bootstrap = new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReplyDecoder(), new ReplyHandler());
                    }
                });
    }

    /**
     * @param cmd the command
     * @return the reply; errors fail the future with a {@link StationdException}
     */
    CompletableFuture<Reply> send(CloudCmdAttr cmd) {
        Pending p = new Pending(cmd);
        if (closed) {
            p.fail(new StationdException(StationdException.Kind.CLOSED, null, "client is closed", null));
            return p.future;
        }
        loop.execute(() -> submit(p));
        return p.future;
    }

    /** @return completes once pending requests have failed with {@code CLOSED} and the connection is closed */
    CompletableFuture<Void> close() {
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            failAll(waiting, "client closed", null);
            failAll(inflight, "client closed", null);
            if (channel != null) {
                channel.close();
            }
            done.complete(null);
        });
        return done;
    }

    private void submit(Pending p) {
        if (closed) {
            p.fail(new StationdException(StationdException.Kind.CLOSED, null, "client is closed", null));
            return;
        }
        p.timer = loop.schedule(() -> onTimeout(p), timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (channel != null && channel.isActive()) {
            write(p);
        } else {
            waiting.add(p);
            connect();
        }
    }

    private void connect() {
        if (connecting) {
            return;
        }
        connecting = true;
        bootstrap.connect(address).addListener((ChannelFuture f) -> {
            connecting = false;
            if (!f.isSuccess()) {
                failAll(waiting, "cannot connect to " + address.path(), f.cause());
                return;
            }
            Channel ch = f.channel();
            if (closed) {
                ch.close();
                return;
            }
            channel = ch;
            repliesOnChannel = 0;
            ch.closeFuture().addListener(cf -> onClosed(ch));
            // A write can fail at once and close the channel inside this loop (the close handler
            // then requeues and reconnects): stop as soon as this channel is not the live one.
            while (!waiting.isEmpty() && channel == ch && ch.isActive()) {
                write(waiting.poll());
            }
        });
    }

    private void write(Pending p) {
        if (p.future.isDone()) {
            return; // timed out while waiting
        }
        if (channel == null || !channel.isActive()) {
            waiting.addFirst(p); // the connection went away: send it on the next one
            connect();
            return;
        }
        inflight.add(p);
        channel.pipeline().get(ReplyDecoder.class).expect(p.cmd.command());
        ByteBuf buf = channel.alloc().buffer(CloudCmdAttr.SIZE);
        p.cmd.encode(buf);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    private void onReply(Object msg) {
        Pending p = inflight.poll();
        repliesOnChannel++;
        if (p == null) {
            return;
        }
        if (msg instanceof Reply.Nak n) {
            p.fail(StationdException.refused(p.cmd.command(), n.code()));
        } else if (msg instanceof Reply.Error e) {
            p.fail(StationdException.refused(p.cmd.command(), e.code()));
        } else {
            p.complete((Reply) msg);
        }
    }

    private void onClosed(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        boolean oneShotServer = repliesOnChannel > 0;
        ArrayDeque<Pending> retry = new ArrayDeque<>();
        while (!inflight.isEmpty()) {
            Pending p = inflight.poll();
            if (p.future.isDone()) {
                continue;
            }
            // Resend what the server never answered: everything after a server that answered on this
            // connection (a one-shot server reads one command per connection), and any command
            // that is safe to repeat. FILTER_DEL and STA_KICK are not: a repeat of an applied one
            // says E_NOENT.
            Command c = p.cmd.command();
            boolean safe = oneShotServer || (c != Command.FILTER_DEL && c != Command.STA_KICK);
            if (safe && !closed && p.resends < StationClient.MAX_RESENDS) {
                p.resends++;
                retry.add(p);
            } else {
                p.fail(new StationdException(StationdException.Kind.CLOSED, null,
                        "connection to " + address.path() + " closed before the reply to " + p.cmd.command(), null));
            }
        }
        while (!retry.isEmpty()) {
            waiting.addFirst(retry.pollLast());
        }
        if (!waiting.isEmpty() && !closed) {
            connect();
        }
    }

    private void onTimeout(Pending p) {
        if (p.future.isDone()) {
            return;
        }
        p.fail(new StationdException(StationdException.Kind.TIMEOUT, null,
                "no reply to " + p.cmd.command() + " within " + timeout.toMillis() + " ms", null));
        waiting.remove(p);
        if (inflight.contains(p) && channel != null) {
            channel.close(); // a late reply could not be matched any more
        }
    }

    private void onDecodeFailure(Throwable cause) {
        StationdException e = new StationdException(StationdException.Kind.MALFORMED, null,
                "malformed reply from " + address.path() + ": " + cause.getMessage(), cause);
        while (!inflight.isEmpty()) {
            inflight.poll().fail(e);
        }
        if (channel != null) {
            channel.close();
        }
    }

    private static void failAll(ArrayDeque<Pending> queue, String why, Throwable cause) {
        while (!queue.isEmpty()) {
            queue.poll().fail(StationdException.transport(why, cause));
        }
    }

    private static final class Pending {
        final CloudCmdAttr cmd;
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        int resends;

        Pending(CloudCmdAttr cmd) {
            this.cmd = cmd;
        }

        void complete(Reply r) {
            cancelTimer();
            future.complete(r);
        }

        void fail(Throwable t) {
            cancelTimer();
            future.completeExceptionally(t);
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private final class ReplyHandler extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() == channel) {
                onReply(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel && cause instanceof DecoderException) {
                onDecodeFailure(cause);
            } else {
                // Transport error, e.g. ECONNRESET from a one-shot server that closed with our
                // next request unread: the close handler resends or fails what is pending.
                ctx.close();
            }
        }
    }
}
