package dev.stationd.daemon.metrics;

import dev.stationd.daemon.logging.LogText;
import dev.stationd.daemon.server.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /metrics} (and {@code HEAD}) with a scrape of the registry, in the format the
 * scraper's {@code Accept} asks for: OpenMetrics text when it names
 * {@code application/openmetrics-text}, the Prometheus text format otherwise. Any other path is
 * 404, any other method 405, a malformed or oversized request 400/414/431 (and the connection is
 * closed). Shared by every connection of the endpoint; runs on the endpoint's own thread.
 */
@ChannelHandler.Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The only path served. */
    static final String PATH = "/metrics";

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final RateLimitedLog badRequests;

    MetricsHttpHandler(PrometheusRegistry registry, RateLimitedLog badRequests) {
        this.registry = registry;
        this.badRequests = badRequests;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        DecoderResult result = req.decoderResult();
        if (!result.isSuccess()) {
            badRequests.warn("metrics: bad HTTP request from {}: {}", ctx.channel().remoteAddress(),
                    LogText.escape(String.valueOf(result.cause())));
            send(ctx, req, plain(statusFor(result.cause()), "bad request"), false);
            return;
        }
        if (!PATH.equals(new QueryStringDecoder(req.uri()).path())) {
            send(ctx, req, plain(HttpResponseStatus.NOT_FOUND, "only " + PATH + " is served here"), true);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!head && !HttpMethod.GET.equals(req.method())) {
            FullHttpResponse r = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, req, r, true);
            return;
        }
        send(ctx, req, scrape(ctx, req.headers().get(HttpHeaderNames.ACCEPT), head), true);
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx, String accept, boolean head) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) { // protobuf asked for first: not built in, text is the fallback
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteBuf body = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
        } catch (IOException | RuntimeException e) {
            body.release();
            badRequests.warn("metrics: scrape failed: {}", e.toString());
            return plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed");
        }
        int length = body.readableBytes();
        if (head) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return r;
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
        ByteBuf body = Unpooled.copiedBuffer(status + ": " + text + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    /** Writes the response; closes afterwards unless both sides keep the connection alive. */
    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r, boolean mayKeepAlive) {
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(r, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            ctx.close(); // an idle connection (no request for a while) is closed without a word
            return;
        }
        badRequests.warn("metrics: connection error from {}, closing: {}", ctx.channel().remoteAddress(),
                String.valueOf(cause));
        ctx.close();
    }
}
