package dev.stationd.daemon.metrics;

import dev.stationd.daemon.config.ListenAddress;
import dev.stationd.daemon.enrich.Enrichment;
import dev.stationd.daemon.hostapd.HostapdSource;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.server.RateLimitedLog;
import dev.stationd.daemon.server.Noise;
import dev.stationd.daemon.server.ServerContext;
import dev.stationd.daemon.server.StationServer;
import dev.stationd.daemon.systemd.ListenFds;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint: {@code GET /metrics} over HTTP/1.1 on a TCP socket, either bound from
 * {@code metrics.listen} or passed in by systemd ({@code stationd-metrics.socket}), on a thread of
 * its own ({@code stationd-metrics}) so that a scrape never delays the command socket. Requests
 * are bounded (line, headers, no body), at most {@link #MAX_CONNECTIONS} connections are served
 * and a connection idle for {@link #IDLE_TIMEOUT} is closed.
 *
 * <p>This is the only class the daemon names; it and everything it uses (the Prometheus client,
 * Netty's HTTP codec) are loaded only when metrics are on.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** Most concurrent connections; a scraper needs one. */
    static final int MAX_CONNECTIONS = 16;
    /** A connection without a request for this long is closed (Prometheus scrapes far more often). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);
    /** Longest request line: {@code GET /metrics?...} with room for query parameters. */
    static final int MAX_REQUEST_LINE = 4096;
    /** Most bytes of request headers. */
    static final int MAX_HEADER_BYTES = 8192;

    private final EventLoopGroup group;
    private final Channel listener;
    private final boolean adopted;

    private MetricsEndpoint(EventLoopGroup group, Channel listener, boolean adopted) {
        this.group = group;
        this.listener = listener;
        this.adopted = adopted;
    }

    /**
     * Declares every metric and starts serving them.
     *
     * @param context the server's shared state (configuration, table, counters)
     * @param server the command socket's server (for the pending reply bytes)
     * @param filters the filter service (filters, commits)
     * @param hostapd the hostapd source (link states)
     * @param enrichment address learning, {@code null} when off (its families are then not declared)
     * @param inherited the TCP listener systemd passed, if any; it wins over {@code metrics.listen}
     * @return the running endpoint
     * @throws IOException if the address cannot be bound or the inherited socket adopted
     */
    public static MetricsEndpoint start(ServerContext context, StationServer server, FilterService filters,
            HostapdSource hostapd, Enrichment enrichment, OptionalInt inherited) throws IOException {
        return serve(registry(context, server, filters, hostapd, enrichment), context.log(Noise.BAD_METRICS_REQUEST),
                context.config().metrics().listen(), inherited);
    }

    /** @return a registry with every family of the daemon declared on these sources */
    static PrometheusRegistry registry(ServerContext context, StationServer server, FilterService filters,
            HostapdSource hostapd, Enrichment enrichment) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Families f = new Families(registry);
        ProcessMetrics.register(f);
        TableMetrics.register(f, context.table(), context::config);
        FilterMetrics.register(f, filters);
        ServerMetrics.register(f, context, server);
        HostapdMetrics.register(f, hostapd);
        if (enrichment != null) {
            EnrichMetrics.register(f, enrichment);
        }
        return registry;
    }

    /**
     * Serves {@code registry}.
     *
     * @param registry what to serve
     * @param log where bad requests are logged
     * @param listen the address to bind when nothing is inherited
     * @param inherited a listening TCP socket to adopt instead
     * @return the running endpoint
     * @throws IOException if the socket cannot be bound or adopted
     */
    static MetricsEndpoint serve(PrometheusRegistry registry, RateLimitedLog log, ListenAddress listen,
            OptionalInt inherited) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stationd-metrics", true),
                EpollIoHandler.newFactory());
        MetricsHttpHandler handler = new MetricsHttpHandler(registry, log);
        AtomicInteger open = new AtomicInteger();
        ServerBootstrap b = new ServerBootstrap().group(group)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            log.warn("metrics: refusing a connection from {}: {} open", ch.remoteAddress(), MAX_CONNECTIONS);
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(x -> open.decrementAndGet());
                        ch.pipeline().addLast("idle", new ReadTimeoutHandler(IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                        addHttp(ch.pipeline(), handler);
                    }
                });
        Channel ch;
        boolean adopted = inherited.isPresent();
        try {
            if (adopted) {
                int fd = inherited.getAsInt();
                ListenFds.ensureNonBlocking(fd);
                ch = b.channelFactory(() -> new EpollServerSocketChannel(fd)).register().sync().channel();
                if (!ch.isActive()) {
                    ch.close();
                    throw new IOException("inherited metrics socket fd " + fd + " is not active");
                }
            } else {
                ch = b.channel(EpollServerSocketChannel.class).bind(listen.socketAddress()).sync().channel();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted while starting the metrics endpoint", e);
        } catch (IOException | RuntimeException e) { // Netty reports a failed bind (EADDRINUSE, EACCES) as either
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException((adopted ? "cannot adopt the inherited metrics socket: "
                    : "cannot listen on " + listen + ": ") + e.getMessage(), e);
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(group, ch, adopted);
        LOG.info("metrics: serving GET {} on http://{}{}", MetricsHttpHandler.PATH, endpoint.address(),
                adopted ? " (socket from systemd)" : "");
        return endpoint;
    }

    /** Adds the HTTP handlers of one connection: bounded request decoding, gzip, the handler. */
    static void addHttp(ChannelPipeline p, MetricsHttpHandler handler) {
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADER_BYTES)))
                .addLast("gzip", new HttpContentCompressor(0, StandardCompressionOptions.gzip()))
                // a scrape has no body: any body is refused (413) and the connection closed
                .addLast("request", new HttpObjectAggregator(0))
                .addLast("metrics", handler);
    }

    /** @return the address the endpoint listens on */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** @return whether the socket came from systemd */
    public boolean adopted() {
        return adopted;
    }

    private String address() {
        InetSocketAddress a = localAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops listening (an inherited socket is left to systemd's copy) and ends the thread. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
