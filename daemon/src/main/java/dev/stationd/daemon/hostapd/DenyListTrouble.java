package dev.stationd.daemon.hostapd;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What goes wrong with one BSS's deny list: logged once per change of the problem (a warning,
 * then one line when updates work again, repeats at debug level), and retried every
 * {@link #RETRY_MS} after a failure. Confined to the link's event loop.
 */
final class DenyListTrouble {
    static final long RETRY_MS = 5_000;

    // the enforcer's logger: operators know these lines by its name
    private static final Logger LOG = LoggerFactory.getLogger(DenyListEnforcer.class);

    private final String ifname;
    private final EventLoop loop;
    private final Runnable retry;
    private String problem;
    private ScheduledFuture<?> retryTask;

    /**
     * @param ifname the BSS, for log lines
     * @param loop the link's event loop
     * @param retry what is tried again {@link #RETRY_MS} after a failure
     */
    DenyListTrouble(String ifname, EventLoop loop, Runnable retry) {
        this.ifname = ifname;
        this.loop = loop;
        this.retry = retry;
    }

    /** @param what a problem that retrying cannot cure (logged once) */
    void report(String what) {
        if (!what.equals(problem)) {
            LOG.warn("hostapd {}: {}; retrying every {}s", ifname, what, RETRY_MS / 1000);
            problem = what;
        } else {
            LOG.debug("hostapd {}: {}", ifname, what);
        }
    }

    /** @param what a failure: logged once, and the retry runs after {@link #RETRY_MS} (once, however many fail) */
    void failed(String what) {
        report(what);
        if (retryTask != null) {
            return;
        }
        retryTask = loop.schedule(() -> {
            retryTask = null;
            retry.run();
        }, RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /** An update worked: ends the problem, with one line if there was one. */
    void worked() {
        if (problem != null) {
            LOG.info("hostapd {}: deny list updates work again", ifname);
            problem = null;
        }
    }

    /** Cancels a pending retry. */
    void cancelRetry() {
        if (retryTask != null) {
            retryTask.cancel(false);
            retryTask = null;
        }
    }
}
