package dev.stationd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.server.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's HTTP handling over an {@link EmbeddedChannel} with the same handlers as a real
 * connection: raw request bytes in, raw response bytes out.
 */
class MetricsHttpHandlerTest {
    /** Prometheus 2.42's Accept header. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final EmbeddedChannel ch = channel();

    /** A response as read off the wire. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static EmbeddedChannel channel() {
        PrometheusRegistry registry = new PrometheusRegistry();
        GaugeWithCallback.builder().name("test_answer").help("The answer.").labelNames("kind")
                .callback(cb -> cb.call(42, "plain")).register(registry);
        EmbeddedChannel ch = new EmbeddedChannel();
        MetricsEndpoint.addHttp(ch.pipeline(),
                new MetricsHttpHandler(registry, new RateLimitedLog(LoggerFactory.getLogger("test"))));
        return ch;
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    /** Sends raw request bytes and reads back one response. */
    private Response exchange(String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ByteBuf out = Unpooled.buffer();
        try {
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                out.writeBytes(b);
                b.release();
            }
            return parse(out);
        } finally {
            out.release();
        }
    }

    private static Response parse(ByteBuf raw) {
        String all = raw.toString(StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        assertTrue(end > 0, () -> "no complete response head in: " + all);
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);       // HTTP/1.1 200 OK
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = new byte[raw.readableBytes() - end - 4];
        raw.getBytes(end + 4, body);
        return new Response(status, headers, body);
    }

    private static String get(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: ap\r\n" + String.join("", headers) + "\r\n";
    }

    @Test
    void plainGetIsThePrometheusTextFormat() {
        Response r = exchange(get("/metrics"));
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("content-type"));
        assertEquals(Integer.toString(r.body().length), r.header("content-length"));
        assertEquals("""
                # HELP test_answer The answer.
                # TYPE test_answer gauge
                test_answer{kind="plain"} 42.0
                """, r.text());
        assertTrue(ch.isOpen(), "HTTP/1.1 keeps the connection");
        assertEquals(200, exchange(get("/metrics?name[]=test_answer")).status(), "a second request, query ignored");
    }

    @Test
    void prometheusAcceptGetsOpenMetrics() {
        Response r = exchange(get("/metrics", "Accept: " + PROMETHEUS_ACCEPT + "\r\n"));
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", r.header("content-type"));
        assertTrue(r.text().endsWith("# EOF\n"), r.text());
    }

    @Test
    void protobufOnlyAcceptFallsBackToText() {
        Response r = exchange(get("/metrics", "Accept: application/vnd.google.protobuf;"
                + "proto=io.prometheus.client.MetricFamily;encoding=delimited\r\n"));
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("content-type"));
    }

    @Test
    void gzipWhenAsked() throws IOException {
        String plain = exchange(get("/metrics")).text();
        for (String asked : new String[] {"gzip", "br;q=1.0, gzip;q=0.5", "x-unknown, gzip;q=0.3"}) {
            Response r = exchange(get("/metrics", "Accept-Encoding: " + asked + "\r\n"));
            assertEquals("gzip", r.header("content-encoding"), asked);
            assertEquals(plain, gunzip(r.body()));
            assertEquals(Integer.toString(r.body().length), r.header("content-length"));
        }
        assertEquals(null, exchange(get("/metrics", "Accept-Encoding: identity\r\n")).header("content-encoding"));
    }

    private static String gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void headHasTheLengthButNoBody() {
        int length = exchange(get("/metrics")).body().length;
        Response r = exchange("HEAD /metrics HTTP/1.1\r\nHost: ap\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals(Integer.toString(length), r.header("content-length"));
        assertEquals(0, r.body().length);
    }

    @Test
    void otherPathsAre404() {
        for (String path : new String[] {"/", "/metrics/", "/metricsx", "/api/v1/query"}) {
            Response r = exchange(get(path));
            assertEquals(404, r.status(), path);
            assertTrue(r.text().contains("only /metrics"), r.text());
        }
        assertTrue(ch.isOpen(), "a 404 keeps the connection");
    }

    @Test
    void otherMethodsAre405() {
        for (String method : new String[] {"PUT", "DELETE", "OPTIONS", "TRACE", "POST"}) {
            Response r = exchange(method + " /metrics HTTP/1.1\r\nHost: ap\r\nContent-Length: 0\r\n\r\n");
            assertEquals(405, r.status(), method);
            assertEquals("GET, HEAD", r.header("allow"));
        }
    }

    @Test
    void aRequestLineTooLongIs414AndCloses() {
        Response r = exchange(get("/metrics?" + "a".repeat(MetricsEndpoint.MAX_REQUEST_LINE)));
        assertEquals(414, r.status());
        assertFalse(ch.isOpen());
    }

    @Test
    void headersTooLargeAre431AndClose() {
        Response r = exchange(get("/metrics", "X-Big: " + "b".repeat(MetricsEndpoint.MAX_HEADER_BYTES) + "\r\n"));
        assertEquals(431, r.status());
        assertFalse(ch.isOpen());
    }

    /** A body is refused before it is read (413); what arrives of it is discarded, never buffered. */
    @Test
    void aBodyIs413AndSkipped() {
        Response r = exchange("GET /metrics HTTP/1.1\r\nHost: ap\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(413, r.status());
        assertEquals(200, exchange(get("/metrics")).status(), "the next request on the connection");
        r = exchange("GET /metrics HTTP/1.1\r\nHost: ap\r\nConnection: close\r\nContent-Length: 5\r\n\r\n");
        assertEquals(413, r.status());
        assertFalse(ch.isOpen(), "closed when the client did not ask to keep it");
    }

    @Test
    void garbageIs400AndCloses() {
        Response r = exchange("\u0001\u0002 nonsense\r\n\r\n");
        assertEquals(400, r.status());
        assertFalse(ch.isOpen());
    }

    @Test
    void http10WithoutKeepAliveCloses() {
        Response r = exchange("GET /metrics HTTP/1.0\r\n\r\n");
        assertEquals(200, r.status());
        assertFalse(ch.isOpen());
    }
}
