package dev.stationd.daemon.hostapd;

/** Where the link to one hostapd control socket is in its life. */
public enum LinkState {
    /** Binding and connecting the client socket. */
    CONNECTING,
    /** Connected: attaching and reading the BSS, its stations and its deny list. */
    SYNCING,
    /** Attached and in step: following events, pinging, resyncing. */
    UP,
    /** Not connected (hostapd not running, or the connection failed): retrying with backoff. */
    DOWN,
    /** Stopped by the daemon. */
    STOPPED
}
