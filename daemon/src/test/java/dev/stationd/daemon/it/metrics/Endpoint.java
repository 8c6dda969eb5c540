package dev.stationd.daemon.it.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GETs of a daemon's {@code /metrics}, as a scraper does, and a port for it to listen on. */
public final class Endpoint {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Endpoint() {
    }

    /**
     * @param port the endpoint's port on 127.0.0.1
     * @param accept the {@code Accept} header, or {@code null} for none
     * @return the response (status, headers, body)
     * @throws Exception if the request fails
     */
    static HttpResponse<String> get(int port, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return a TCP port on 127.0.0.1 that was free a moment ago */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * @return the Prometheus text format of the endpoint on {@code port}
     * @throws AssertionError if the request fails or is not answered 200 (usable in a wait's condition)
     */
    public static String scrape(int port) {
        HttpResponse<String> r;
        try {
            r = get(port, null);
        } catch (Exception e) {
            throw new AssertionError("GET /metrics on port " + port + ": " + e, e);
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
