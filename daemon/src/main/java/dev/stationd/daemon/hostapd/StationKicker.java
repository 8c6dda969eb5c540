package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Disconnects stations from the hostapd BSSs the daemon follows ({@code STA_KICK}). Both steps are
 * asynchronous and never block the caller; the futures may complete on a hostapd event loop.
 */
public interface StationKicker {
    /**
     * A station that a followed BSS holds now.
     *
     * @param mac the station
     * @param groupId the group of that BSS (the station's group in the table)
     * @param ifname the BSS (its control socket's name)
     */
    record Target(MacAddress mac, int groupId, String ifname) {
        /** Validates. */
        public Target {
            Objects.requireNonNull(mac, "mac");
            Objects.requireNonNull(ifname, "ifname");
        }
    }

    /** Follows no hostapd: holds no station. */
    StationKicker NONE = new StationKicker() {
        @Override
        public CompletableFuture<List<Target>> find(MacAddress mac, int groupId, String ifname) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<List<Target>> kick(List<Target> targets) {
            return CompletableFuture.completedFuture(List.of());
        }
    };

    /**
     * The stations a {@code STA_KICK} addresses.
     *
     * @param mac one station, or {@link MacAddress#ZERO} for every station matching the selectors
     * @param groupId with a zero {@code mac}: the group, 0 = any
     * @param ifname with a zero {@code mac}: the BSS, {@code ""} = any
     * @return the matching stations of every BSS that is up (empty when none)
     */
    CompletableFuture<List<Target>> find(MacAddress mac, int groupId, String ifname);

    /**
     * Deauthenticates the targets: one round of {@code DEAUTHENTICATE} requests per BSS, sent
     * together.
     *
     * @param targets stations from {@link #find}
     * @return the targets hostapd confirmed (a BSS lost meanwhile confirms none of its own)
     */
    CompletableFuture<List<Target>> kick(List<Target> targets);
}
