package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Whose entries are on one BSS's deny list: stationd's ("ours": added by stationd, or adopted
 * because a filter wants them), kept in a {@link Ledger} so that they are still known as
 * stationd's after a restart; those of ours recorded but not yet accepted by hostapd; and
 * everyone else's ("foreign", e.g. hostapd's {@code deny_mac_file}), which stationd never
 * removes. Runs on the link's event loop.
 */
final class DenyOwnership {
    /** Where the entries of ours are recorded durably. */
    interface Ledger {
        /**
         * @param ours every entry of ours on the BSS (copied)
         * @param onSaved run on the event loop once a save that holds this change is over
         */
        void record(Set<MacAddress> ours, Runnable onSaved);
    }

    /**
     * What a freshly read list says.
     *
     * @param lost entries of ours that are gone although a filter still wants them
     * @param newForeign entries someone else added, not seen before
     */
    record Sorted(List<MacAddress> lost, List<MacAddress> newForeign) {
    }

    private final Ledger ledger;
    private final Executor loop;
    private final Set<MacAddress> ours = new HashSet<>();
    private final Set<MacAddress> unconfirmed = new HashSet<>();
    private final Set<MacAddress> foreign = new HashSet<>();
    private volatile int size;
    /** Callers waiting for the record of changes made in this turn of the event loop. */
    private List<Runnable> waiting = new ArrayList<>();

    /**
     * @param recorded the entries the ledger holds for this BSS
     * @param ledger where changes are recorded
     * @param loop the link's event loop
     */
    DenyOwnership(Set<MacAddress> recorded, Ledger ledger, Executor loop) {
        this.ledger = ledger;
        this.loop = loop;
        this.ours.addAll(recorded);
        this.size = ours.size();
    }

    /** @return how many entries are ours (any thread) */
    int size() {
        return size;
    }

    /** @return whether {@code mac} is ours */
    boolean ours(MacAddress mac) {
        return ours.contains(mac);
    }

    /** @return whether {@code mac} is ours but hostapd has not accepted it yet */
    boolean unconfirmed(MacAddress mac) {
        return unconfirmed.contains(mac);
    }

    /** @return a copy of the entries of ours */
    List<MacAddress> all() {
        return new ArrayList<>(ours);
    }

    /**
     * Makes {@code mac} ours before it is added, so the ledger never misses an entry that is on
     * hostapd's list.
     *
     * @param onSaved run on the event loop once recorded
     */
    void claim(MacAddress mac, Runnable onSaved) {
        ours.add(mac);
        unconfirmed.add(mac);
        record(onSaved);
    }

    /** hostapd accepted {@code mac} on its list. */
    void accepted(MacAddress mac) {
        unconfirmed.remove(mac);
        foreign.remove(mac);
    }

    /** {@code mac} is off the list (or never made it) and no longer wanted: not ours any more. */
    void release(MacAddress mac) {
        unconfirmed.remove(mac);
        if (ours.remove(mac)) {
            record(() -> { });
        }
    }

    /**
     * Sorts a freshly read list: entries of ours that are gone and no longer wanted are released,
     * entries a filter wants that are there become ours, the rest that are there are foreign.
     *
     * @param view the list
     * @param wanted the entries the filters want
     * @param busy entries with a command in flight (their state is not settled)
     * @return what was found
     */
    Sorted sort(DenyListView view, Set<MacAddress> wanted, Predicate<MacAddress> busy) {
        List<MacAddress> lost = new ArrayList<>();
        boolean changed = false;
        for (MacAddress mac : all()) {
            if (busy.test(mac) || !view.absent(mac)) {
                continue;
            }
            if (!wanted.contains(mac)) {
                unconfirmed.remove(mac);
                changed |= ours.remove(mac); // gone and no longer wanted: nothing to do
            } else if (!unconfirmed.contains(mac)) {
                lost.add(mac);
            }
        }
        List<MacAddress> newForeign = new ArrayList<>();
        for (MacAddress mac : view.knownPresent()) {
            if (ours.contains(mac) || foreign.contains(mac)) {
                continue;
            }
            if (wanted.contains(mac)) {
                ours.add(mac); // a filter wants it: stationd manages it from now on
                changed = true;
            } else {
                foreign.add(mac);
                newForeign.add(mac);
            }
        }
        foreign.removeIf(view::absent);
        if (changed) {
            record(() -> { });
        }
        newForeign.sort(null);
        return new Sorted(lost, newForeign);
    }

    /**
     * Records the entries once at the end of this turn of the event loop, however many changes it
     * makes (a reconcile of thousands of filters claims them one by one).
     */
    private void record(Runnable onSaved) {
        size = ours.size();
        waiting.add(onSaved);
        if (waiting.size() == 1) {
            loop.execute(() -> {
                List<Runnable> callers = waiting;
                waiting = new ArrayList<>();
                ledger.record(ours, () -> callers.forEach(Runnable::run));
            });
        }
    }
}
