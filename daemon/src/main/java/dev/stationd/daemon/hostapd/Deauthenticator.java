package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deauthenticates stations of one BSS ({@code DEAUTHENTICATE <mac>}), any number in one round of
 * commands ({@link ControlChannel#requestAll}), with at most one request per station at a time:
 * a station counts as being kicked until its {@code AP-STA-DISCONNECTED} ({@link #left}) or, if
 * that never comes, for {@link #HOLD_MS}, after which a later call may try again. Runs on the
 * link's event loop.
 */
final class Deauthenticator {
    /** How long a station counts as being kicked without its {@code AP-STA-DISCONNECTED}. */
    static final long HOLD_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(Deauthenticator.class);

    private final String ifname;
    private final EventLoop loop;
    private final Set<MacAddress> kicking = new HashSet<>();
    private volatile long count;

    Deauthenticator(String ifname, EventLoop loop) {
        this.ifname = ifname;
        this.loop = loop;
    }

    /** @return how many stations hostapd deauthenticated on request (any thread) */
    long count() {
        return count;
    }

    /**
     * @param ch the connection
     * @param macs the stations (those already being kicked are left out)
     * @param what how the log line calls them, e.g. {@code "filtered station"}
     * @param onRefused gets one line per station hostapd refused ({@code DEAUTHENTICATE <mac> failed:
     *     <reply>}), empty when none was; not called when every station was already being kicked,
     *     nor if the connection fails first
     */
    void deauthenticate(ControlChannel ch, Collection<MacAddress> macs, String what, Consumer<List<String>> onRefused) {
        List<MacAddress> todo = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (MacAddress mac : macs) {
            if (kicking.add(mac)) {
                todo.add(mac);
                commands.add("DEAUTHENTICATE " + mac);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        ch.requestAll(commands, replies -> {
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < todo.size(); i++) {
                MacAddress mac = todo.get(i);
                String reply = replies.get(i);
                if (reply.startsWith("OK")) {
                    count++;
                    LOG.info("hostapd {}: {} {} deauthenticated", ifname, what, mac);
                    loop.schedule(() -> kicking.remove(mac), HOLD_MS, TimeUnit.MILLISECONDS);
                } else {
                    kicking.remove(mac);
                    refused.add(commands.get(i) + " failed: " + ControlChannel.brief(reply));
                }
            }
            onRefused.accept(refused);
        });
    }

    /** The station left: it may be kicked again when it comes back. */
    void left(MacAddress mac) {
        kicking.remove(mac);
    }

    /** The connection is gone: nothing is in flight any more. */
    void reset() {
        kicking.clear();
    }
}
