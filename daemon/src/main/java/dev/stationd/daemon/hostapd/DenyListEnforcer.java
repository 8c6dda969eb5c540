package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one BSS's deny list ({@code DENY_ACL}) in step with the filters that apply to it (its
 * group and group 0) and deauthenticates filtered stations that are connected. stationd manages
 * the entries it added (or adopted because a filter wants them) and never removes the others
 * ({@link DenyOwnership}). Failed commands are logged once per change of the problem and retried
 * every {@link #RETRY_MS} ({@link DenyListTrouble}). A hostapd without
 * {@code DENY_ACL} (older than 2.7) only gets filtered stations deauthenticated.
 *
 * <p>The list is read ({@code DENY_ACL SHOW}) on every new connection and again at every resync:
 * a reload of hostapd ({@code SIGHUP}: {@code hostapd_cli reload}, OpenWrt's {@code wifi reload})
 * keeps the control connection but puts the deny list back to hostapd's {@code deny_mac_file},
 * and a restarted hostapd starts from it too. Entries of stationd's that are gone while their
 * filter is still there are added again, and the loss is logged in one line. What the reply can
 * and cannot tell about a long list: {@link DenyListView}.
 *
 * <p>Runs on the link's event loop. The link {@linkplain #attach attaches} it to each new
 * connection once the stations are read, and {@linkplain #detach detaches} it when the
 * connection is lost.
 *
 * <p>About 400 lines in one class: reading, reconciling and kicking share the phase, the view and
 * the commands in flight; ownership, failures and kicks are in classes of their own.
 */
final class DenyListEnforcer {
    static final long RETRY_MS = DenyListTrouble.RETRY_MS;

    private static final Logger LOG = LoggerFactory.getLogger(DenyListEnforcer.class);

    /** What stationd knows of hostapd's deny list. */
    enum Phase {
        /** No connection. */
        DETACHED,
        /** {@code DENY_ACL SHOW} sent, reply not in yet. */
        READING,
        /** The list is known ({@link #view}). */
        KNOWN,
        /** Reading it failed; read again after {@link #RETRY_MS}. */
        FAILED,
        /** hostapd has no {@code DENY_ACL}: filtered stations are only deauthenticated. */
        UNSUPPORTED
    }

    private final String ifname;
    private final int groupId;
    private final boolean enforce;
    private final EventLoop loop;
    private final Predicate<MacAddress> connected;
    private final DenyOwnership owners;

    private ControlChannel channel;
    private Phase phase = Phase.DETACHED;
    /** MACs the filters want on this interface's deny list. */
    private Set<MacAddress> desired = Set.of();
    private FilterSet desiredFrom;
    /** hostapd's deny list as last read and changed since; {@code null} until read on a connection. */
    private DenyListView view;
    private final Set<MacAddress> inFlight = new HashSet<>();
    private final Deauthenticator deauth;
    /** Entries of ours found missing by the last read, being added again. */
    private RestoreTally restoring = new RestoreTally(Set.of(), "");
    private final DenyListTrouble trouble;
    private volatile long restores;

    /**
     * @param ifname the BSS, for log lines
     * @param groupId the BSS's policy group
     * @param enforce {@code enforce_filters}: when false this does nothing
     * @param loop the link's event loop
     * @param connected whether a station is connected to the BSS
     * @param recorded the entries the ledger holds for this BSS (stationd's, from before a restart)
     * @param ledger where changes of them are recorded
     */
    DenyListEnforcer(String ifname, int groupId, boolean enforce, EventLoop loop, Predicate<MacAddress> connected,
            Set<MacAddress> recorded, DenyOwnership.Ledger ledger) {
        this.ifname = ifname;
        this.groupId = groupId;
        this.enforce = enforce;
        this.loop = loop;
        this.connected = connected;
        this.owners = new DenyOwnership(recorded, ledger, loop);
        this.deauth = new Deauthenticator(ifname, loop);
        this.trouble = new DenyListTrouble(ifname, loop, this::retry);
    }

    /** @return what is known of hostapd's list */
    Phase phase() {
        return phase;
    }

    /** @return how many filtered stations were deauthenticated (any thread) */
    long deauthentications() {
        return deauth.count();
    }

    /** @return how often entries of ours were found missing and added again (any thread) */
    long restores() {
        return restores;
    }

    /** @return how many deny-list entries stationd manages on this BSS (any thread) */
    int entries() {
        return owners.size();
    }

    /**
     * Starts enforcing on a new connection: reads the deny list and puts it in step.
     *
     * @param ch the connection
     * @param then run once the list is read (or reading it failed)
     */
    void attach(ControlChannel ch, Runnable then) {
        if (!enforce) {
            then.run();
            return;
        }
        channel = ch;
        read("hostapd restarted?", then);
    }

    /** The connection is gone: forget what was known of the list and what was in flight. */
    void detach() {
        channel = null;
        phase = Phase.DETACHED;
        view = null;
        inFlight.clear();
        deauth.reset();
        restoring = new RestoreTally(Set.of(), "");
        trouble.cancelRetry();
    }

    /**
     * Reads the list again and puts it back in step (at the start of a resync, before the stations).
     *
     * @param then run once the list is read (at once when there is nothing to read)
     */
    void resync(Runnable then) {
        if (channel != null && (phase == Phase.KNOWN || phase == Phase.FAILED)) {
            trouble.cancelRetry();
            read("hostapd reloaded?", then);
        } else {
            then.run();
        }
    }

    /**
     * Recomputes the deny set from the filters and pushes the difference.
     *
     * @param fs the filters in force
     */
    void filtersChanged(FilterSet fs) {
        if (fs == desiredFrom) {
            return;
        }
        desiredFrom = fs;
        Set<MacAddress> next = new LinkedHashSet<>();
        for (FilterSet.Filter f : fs.sorted()) {
            if (f.groupId() == 0 || f.groupId() == groupId) {
                next.add(f.mac());
            }
        }
        Set<MacAddress> before = desired;
        desired = next;
        if (restoring.keepOnly(next)) {
            restoreDone(); // the filters of the entries still missing were deleted meanwhile
        }
        if (!enforce || channel == null) {
            return; // applied when the deny list is read after (re)connecting
        }
        if (phase == Phase.KNOWN) {
            reconcile();
        } else if (phase != Phase.UNSUPPORTED) {
            return;
        }
        List<MacAddress> came = new ArrayList<>();
        for (MacAddress mac : next) {
            if (!before.contains(mac) && connected.test(mac)) {
                came.add(mac);
            }
        }
        enforceOn(came);
    }

    /**
     * A station is connected to the BSS: a filtered one is denied and kicked.
     *
     * @param mac the station
     */
    void stationPresent(MacAddress mac) {
        if (enforce && channel != null && desired.contains(mac)) {
            enforceOn(List.of(mac));
        }
    }

    /**
     * A station left.
     *
     * @param mac the station
     */
    void stationLeft(MacAddress mac) {
        deauth.left(mac);
    }

    /** Stops: cancels the retry. */
    void stop() {
        detach();
    }

    /**
     * Reads the list and puts it in step.
     *
     * @param cause the likely cause of entries found missing, for the log
     * @param then run once the reply is handled
     */
    private void read(String cause, Runnable then) {
        phase = Phase.READING;
        ControlChannel ch = channel;
        ch.query("DENY_ACL SHOW", reply -> {
            if (channel != ch) {
                return;
            }
            if (reply.startsWith("UNKNOWN")) {
                // hostapd older than 2.7: no deny list to keep; filtered stations are still deauthenticated
                phase = Phase.UNSUPPORTED;
                view = null;
                trouble.report("this hostapd has no DENY_ACL command; filtered stations are only deauthenticated");
                enforceOnConnected();
            } else if (reply.startsWith("FAIL")) {
                phase = Phase.FAILED;
                view = null;
                trouble.failed("DENY_ACL SHOW failed (" + ControlChannel.brief(reply) + ")");
            } else {
                phase = Phase.KNOWN;
                view = DenyListView.parse(reply);
                DenyOwnership.Sorted sorted = owners.sort(view, desired, inFlight::contains);
                if (!sorted.newForeign().isEmpty()) {
                    List<MacAddress> nf = sorted.newForeign();
                    LOG.info("hostapd {}: {} deny-list entr{} not added by stationd, left alone: {}", ifname,
                            nf.size(), nf.size() == 1 ? "y" : "ies", abbreviate(nf));
                }
                restoring = new RestoreTally(sorted.lost(), cause);
                reconcile();
                enforceOnConnected();
            }
            then.run();
        });
    }

    private void reconcile() {
        for (MacAddress mac : desired) {
            reconcileOne(mac);
        }
        for (MacAddress mac : owners.all()) {
            reconcileOne(mac);
        }
    }

    private void reconcileOne(MacAddress mac) {
        if (phase != Phase.KNOWN || inFlight.contains(mac)) {
            return;
        }
        boolean want = desired.contains(mac);
        if (want && !view.present(mac)) {
            inFlight.add(mac);
            if (owners.ours(mac)) {
                add(mac);
                return;
            }
            ControlChannel ch = channel;
            owners.claim(mac, () -> {
                // saved: decide again, the list or the filters may have changed while the save ran
                if (channel == ch && inFlight.remove(mac)) {
                    reconcileOne(mac);
                }
            });
        } else if (!want && owners.ours(mac)) {
            if (view.absent(mac)) {
                owners.release(mac);
            } else {
                inFlight.add(mac);
                delete(mac);
            }
        }
    }

    private void add(MacAddress mac) {
        // an entry of ours that was lost, or lies above what the last reply covered, is sent again without a word
        boolean quiet = !owners.unconfirmed(mac);
        ControlChannel ch = channel;
        ch.request("DENY_ACL ADD_MAC " + mac, reply -> {
            if (channel != ch) {
                return; // detached meanwhile: the list is read again on the next connection
            }
            inFlight.remove(mac);
            if (reply.startsWith("OK")) {
                view.added(mac);
                owners.accepted(mac);
                if (!quiet) {
                    LOG.info("hostapd {}: {} added to the deny list", ifname, mac);
                }
                if (restoring.back(mac)) {
                    restoreDone();
                }
                if (desired.contains(mac) && connected.test(mac)) {
                    kick(List.of(mac));
                }
                trouble.worked();
                reconcileOne(mac); // the filters may have changed while it was in flight
            } else {
                // left to the retry: sent again at once it would go round as fast as hostapd refuses
                trouble.failed("DENY_ACL ADD_MAC " + mac + " failed: " + ControlChannel.brief(reply));
            }
        });
    }

    private void delete(MacAddress mac) {
        ControlChannel ch = channel;
        ch.request("DENY_ACL DEL_MAC " + mac, reply -> {
            if (channel != ch) {
                return; // detached meanwhile: the list is read again on the next connection
            }
            inFlight.remove(mac);
            if (reply.startsWith("OK")) {
                view.removed(mac);
                owners.release(mac);
                LOG.info("hostapd {}: {} removed from the deny list", ifname, mac);
                trouble.worked();
                reconcileOne(mac); // the filters may have changed while it was in flight
            } else {
                // left to the retry: sent again at once it would go round as fast as hostapd refuses
                trouble.failed("DENY_ACL DEL_MAC " + mac + " failed: " + ControlChannel.brief(reply));
            }
        });
    }

    private void restoreDone() {
        if (restoring.report(LOG, ifname)) {
            restores++;
        }
    }

    private void enforceOnConnected() {
        List<MacAddress> here = new ArrayList<>();
        for (MacAddress mac : desired) {
            if (connected.test(mac)) {
                here.add(mac);
            }
        }
        enforceOn(here);
    }

    /** Filtered stations are (or just came) on this interface: make sure they are denied and kicked. */
    private void enforceOn(List<MacAddress> macs) {
        if (phase == Phase.UNSUPPORTED) {
            kick(macs);
        } else if (phase == Phase.KNOWN) {
            List<MacAddress> denied = new ArrayList<>();
            for (MacAddress mac : macs) {
                if (view.present(mac)) {
                    denied.add(mac);
                } else {
                    reconcileOne(mac); // its ADD_MAC reply kicks it
                }
            }
            kick(denied);
        }
        // otherwise done once the deny list has been read
    }

    private void kick(List<MacAddress> macs) {
        deauth.deauthenticate(channel, macs, "filtered station", refused -> {
            if (!refused.isEmpty()) {
                trouble.failed(refused.get(0));
            }
        });
    }

    /** After a failure: reads the list again if that failed, else puts it in step and kicks again. */
    private void retry() {
        if (channel == null) {
            return;
        }
        if (phase == Phase.FAILED) {
            read("hostapd restarted?", () -> { });
            return;
        }
        if (phase == Phase.KNOWN) {
            reconcile();
        }
        enforceOnConnected();
    }

    private static String abbreviate(List<MacAddress> macs) {
        if (macs.size() <= 8) {
            return macs.toString();
        }
        return macs.subList(0, 8) + " and " + (macs.size() - 8) + " more";
    }
}
