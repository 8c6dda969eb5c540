package dev.stationd.daemon.server;

import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.systemd.ListenFds;
import dev.stationd.protocol.StaEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two sockets: the command stream socket ({@link EpollServerDomainSocketChannel}) and the
 * ingest datagram socket ({@link EpollDomainDatagramChannel}), on one epoll event loop group.
 *
 * <p>Socket files are bound in a private directory, given their mode and group there, and then
 * renamed into place, so they are never reachable with looser permissions.
 *
 * <p>Under socket activation ({@link ListenFds}) an inherited socket is adopted instead: the
 * channel is created on the fd and registered (never bound), and its socket file belongs to
 * systemd: it is neither replaced, nor chmod-ed, nor removed at exit.
 */
public final class StationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StationServer.class);
    /** Ingest receive buffer: one byte more than a {@code sta_event}, so longer datagrams show as too long. */
    static final int INGEST_RECV_SIZE = StaEvent.SIZE + 1;
    /**
     * A client's reads: one page, 64 pipelined commands. Netty's adaptive size shrinks to 64 bytes
     * for a client that sends one command at a time, and a read that fills its buffer is followed
     * by one that finds nothing: with one request in flight per connection, about one request in
     * eight paid that extra system call.
     */
    static final int CLIENT_RECV_SIZE = 4096;
    /** Datagrams read per epoll wake-up. */
    static final int INGEST_MAX_MESSAGES_PER_READ = 64;

    private final ServerContext context;
    private final EventLoopGroup group;
    private final ChannelGroup clients = new DefaultChannelGroup("stationd-clients", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private Channel ingest;
    /** The batched reader of the ingest socket, or {@code null} when Netty reads it. */
    private NativeIngest batchedIngest;
    private Path streamPath;
    private Path ingestPath;
    private boolean streamAdopted;
    private boolean ingestAdopted;
    /** Whether this server put the socket file in place (and so removes it at the end). */
    private volatile boolean streamFileOwned;
    private volatile boolean ingestFileOwned;

    /** @param context shared daemon state */
    public StationServer(ServerContext context) {
        this.context = context;
        this.group = new MultiThreadIoEventLoopGroup(eventLoops(context.config().server().ioThreads(),
                Runtime.getRuntime().availableProcessors()), EpollIoHandler.newFactory());
    }

    /**
     * Event loops for {@code server.io_threads}. Automatic means one per CPU the daemon may run on (the
     * JVM counts the affinity mask and the cgroup's quota): two loops sharing one core only switch
     * between each other, which cost about a fifth of the request rate pinned to one core.
     *
     * @param configured {@code server.io_threads}, 0 = automatic
     * @param cpus processors available to the JVM
     * @return the number of event loops to start
     */
    static int eventLoops(int configured, int cpus) {
        return configured == 0 ? Math.max(1, cpus) : configured;
    }

    /** @return the event loop group (for timers that must run on the loops) */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Binds both sockets.
     *
     * @throws IOException if a socket path is in use or cannot be bound
     * @throws InterruptedException if interrupted while binding
     */
    public void start() throws IOException, InterruptedException {
        start(ListenFds.none());
    }

    /**
     * Adopts the inherited sockets in {@code activated} and binds the others.
     *
     * @param activated sockets passed in by systemd
     * @throws IOException if a socket path is in use or cannot be bound, or an fd cannot be adopted
     * @throws InterruptedException if interrupted while binding
     */
    public void start(ListenFds activated) throws IOException, InterruptedException {
        StationdConfig cfg = context.config();
        streamPath = cfg.server().socket();
        ingestPath = cfg.ingest().socket();
        streamAdopted = activated.stream().isPresent();
        ingestAdopted = activated.datagram().isPresent();
        if (!streamAdopted) {
            SocketFiles.claim(streamPath, SocketFiles.Kind.STREAM);
        }
        if (!ingestAdopted) {
            SocketFiles.claim(ingestPath, SocketFiles.Kind.DATAGRAM);
        }

        ServerBootstrap sb = new ServerBootstrap().group(group)
                .option(ChannelOption.SO_BACKLOG, cfg.server().backlog())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, WriteSizes.INSTANCE)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(CLIENT_RECV_SIZE))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(cfg.server().writeBufferLow(), cfg.server().writeBufferHigh()))
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        clients.add(ch);
                        Connection.install(ch.pipeline(), context);
                    }
                });
        if (streamAdopted) {
            int fd = activated.stream().getAsInt();
            // (fd, true): the socket is already bound and listening; (fd) alone would stay inactive.
            ChannelFactory<EpollServerDomainSocketChannel> adopted = () -> new EpollServerDomainSocketChannel(fd, true);
            listener = adopt(fd, "command", () -> sb.channelFactory(adopted).register().sync().channel());
            SocketFiles.warnIfLooser(streamPath, cfg.server().socketMode(), "server.socket_mode");
        } else {
            sb.channel(EpollServerDomainSocketChannel.class);
            listener = bindPrivately(streamPath, cfg.server().socketMode(), cfg.server().socketGid().orElse(-1),
                    tmp -> sb.bind(new DomainSocketAddress(tmp.toString())).sync().channel());
            streamFileOwned = true;
        }

        // With libstationd_ingest on java.library.path a thread of its own reads the socket in
        // batches (NativeIngest) and the channel never reads; otherwise Netty reads it.
        boolean batched = NativeIngest.available();
        Bootstrap ib = new Bootstrap().group(group)
                .option(ChannelOption.AUTO_READ, !batched)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(INGEST_RECV_SIZE))
                .option(ChannelOption.MAX_MESSAGES_PER_READ, INGEST_MAX_MESSAGES_PER_READ)
                .handler(new IngestHandler(context));
        if (ingestAdopted) {
            int fd = activated.datagram().getAsInt();
            ChannelFactory<EpollDomainDatagramChannel> adopted = () -> new EpollDomainDatagramChannel(fd);
            ingest = adopt(fd, "ingest", () -> ib.channelFactory(adopted).register().sync().channel());
            SocketFiles.warnIfLooser(ingestPath, cfg.ingest().socketMode(), "ingest.socket_mode");
        } else {
            ib.channel(EpollDomainDatagramChannel.class);
            ingest = bindPrivately(ingestPath, cfg.ingest().socketMode(), cfg.ingest().socketGid().orElse(-1),
                    tmp -> ib.bind(new DomainSocketAddress(tmp.toString())).sync().channel());
            ingestFileOwned = true;
        }
        if (batched) {
            startBatchedIngest();
        }
    }

    private void startBatchedIngest() {
        Channel ch = ingest;
        try {
            batchedIngest = NativeIngest.start(((EpollDomainDatagramChannel) ch).fd().intValue(), INGEST_RECV_SIZE, context,
                    () -> ch.config().setAutoRead(true));
            LOG.info("ingest socket read in batches of up to {} datagrams ({})", NativeIngest.MAX_BATCH,
                    NativeLibrary.fileName());
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("batched ingest reader not started ({}); ingest through Netty", e.toString());
            ch.config().setAutoRead(true);
        }
    }

    /**
     * @return whether this build can check the senders of ingest datagrams ({@code ingest.access}):
     *     only the batched reader reads their credentials
     */
    public static boolean canCheckIngestSenders() {
        return NativeIngest.available();
    }

    /** @return whether the batched reader runs, so that the senders of ingest datagrams are checked */
    public boolean checksIngestSenders() {
        return batchedIngest != null;
    }

    /** @return whether the command socket was inherited from systemd */
    public boolean streamAdopted() {
        return streamAdopted;
    }

    /** @return whether the ingest socket was inherited from systemd */
    public boolean ingestAdopted() {
        return ingestAdopted;
    }

    private interface Registrar {
        Channel register() throws InterruptedException;
    }

    private static Channel adopt(int fd, String what, Registrar registrar) throws IOException, InterruptedException {
        if (ListenFds.ensureNonBlocking(fd)) {
            LOG.debug("inherited {} socket fd {} was blocking; set O_NONBLOCK", what, fd);
        }
        Channel ch;
        try {
            ch = registrar.register();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot adopt inherited " + what + " socket fd " + fd + ": " + e.getMessage(), e);
        }
        if (!ch.isActive()) {
            ch.close();
            throw new IOException("inherited " + what + " socket fd " + fd + " is not active");
        }
        LOG.info("using the {} socket passed in by systemd (fd {})", what, fd);
        return ch;
    }

    private interface Binder {
        Channel bind(Path tmp) throws InterruptedException;
    }

    private static Channel bindPrivately(Path target, int mode, int gid, Binder binder)
            throws IOException, InterruptedException {
        Path dir = target.toAbsolutePath().getParent();
        // A private 0700 directory (not Files.createTempDirectory: its SecureRandom costs start-up
        // time, and the name only has to be unique, not secret: the directory's mode protects it).
        Path priv = Files.createDirectory(dir.resolve(".stationd-bind-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime())),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SocketFiles.permissions(0700)));
        Path tmp = priv.resolve("s");
        Channel ch;
        try {
            try {
                ch = binder.bind(tmp);
            } catch (Exception e) {
                throw new IOException("cannot bind " + target + ": " + e.getMessage(), e);
            }
            SocketFiles.setModeAndGroup(tmp, mode, gid);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(priv);
        }
        LOG.debug("bound {} (mode {})", target, Integer.toOctalString(mode));
        return ch;
    }

    /**
     * Stops accepting and receiving; existing connections stay open.
     */
    public void stopAccepting() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        boolean ingestReaderGone = true;
        if (batchedIngest != null) {
            // before the fd is closed: its number could be reused at once by the next open()
            ingestReaderGone = batchedIngest.stopAndJoin();
            batchedIngest = null;
        }
        if (ingest != null && ingestReaderGone) {
            ingest.close().syncUninterruptibly();
        } else if (ingest != null) {
            // not closed here while a reader may still use the fd; the event loops' shutdown at
            // exit closes it
            LOG.warn("ingest socket left open: its reader thread is still running");
            ingest = null;
        }
        // Only files this server put in place are removed: not an inherited socket's (it belongs to
        // the socket unit and stays for the next activation), not another process's after a failed start.
        if (streamFileOwned) {
            streamFileOwned = false;
            SocketFiles.remove(streamPath);
        }
        if (ingestFileOwned) {
            ingestFileOwned = false;
            SocketFiles.remove(ingestPath);
        }
    }

    /**
     * @return bytes written to client connections and not yet sent (replies and subscription
     *     events), summed over the connections; read from any thread (each count is volatile)
     */
    public long pendingReplyBytes() {
        long n = 0;
        for (Channel ch : clients) {
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            if (out != null) { // null once the channel is closed
                n += out.totalPendingWriteBytes();
            }
        }
        return n;
    }

    /** @return the number of open client connections */
    public int clientCount() {
        return clients.size();
    }

    /** @return the open client connections, to look at (the group is the server's) */
    Iterable<Channel> clientChannels() {
        return clients;
    }

    /** Closes everything and shuts the event loops down. */
    @Override
    public void close() {
        close(java.time.Duration.ZERO);
    }

    /**
     * Stops accepting, lets every client connection finish writing the replies already queued
     * (at most {@code grace}), then closes them and shuts the event loops down.
     *
     * @param grace how long replies in flight may take
     */
    public void close(java.time.Duration grace) {
        stopAccepting();
        if (!grace.isZero()) {
            // An empty write after everything queued: its completion means the replies are out.
            clients.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .awaitUninterruptibly(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        clients.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
