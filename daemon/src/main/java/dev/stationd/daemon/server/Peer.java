package dev.stationd.daemon.server;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.daemon.config.AccessRule;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The process on the other end of a connection, read once at accept: {@code SO_PEERCRED} (uid,
 * primary gid, pid) and its supplementary groups from {@code SO_PEERGROUPS} ({@link PeerGroups}).
 * Without the JNI library the groups come from {@code /proc/PID/status} instead, and only when the
 * access rules list groups (otherwise nobody asks); under {@code ProtectProc=invisible} that file
 * of another user's process is hidden, so such a peer is known by its primary group alone.
 *
 * @param uid peer user id (-1 when unknown)
 * @param gid peer primary group id (-1 when unknown)
 * @param pid peer process id (0 when unknown)
 * @param groups its supplementary groups (unmodifiable; empty when unknown)
 */
public record Peer(int uid, int gid, int pid, Set<Integer> groups) {
    /** A peer whose credentials could not be read: allowed nothing that is restricted. */
    public static final Peer UNKNOWN = new Peer(-1, -1, 0);
    /** The superuser. */
    public static final int ROOT_UID = 0;

    /** Copies the groups. */
    public Peer {
        groups = Set.copyOf(groups);
    }

    /**
     * A peer known by its primary group alone.
     *
     * @param uid peer user id
     * @param gid peer primary group id
     * @param pid peer process id
     */
    public Peer(int uid, int gid, int pid) {
        this(uid, gid, pid, Set.of());
    }

    /**
     * @param ch an accepted Unix stream channel
     * @param access the access rules in force (whether groups are needed at all when only {@code /proc} has them)
     * @return its peer
     */
    public static Peer of(Channel ch, AccessConfig access) {
        if (!(ch instanceof EpollDomainSocketChannel uds)) {
            return UNKNOWN;
        }
        PeerCredentials cred;
        try {
            cred = uds.peerCredentials();
        } catch (IOException e) {
            return UNKNOWN;
        }
        int[] gids = cred.gids();
        int gid = gids.length > 0 ? gids[0] : -1;
        int[] groups = PeerGroups.read(uds.fd().intValue());
        if (groups != null) {
            Set<Integer> set = new HashSet<>();
            for (int g : groups) {
                set.add(g);
            }
            return new Peer(cred.uid(), gid, cred.pid(), set);
        }
        boolean needed = !access.read().gids().isEmpty() || !access.admin().gids().isEmpty();
        return new Peer(cred.uid(), gid, cred.pid(), needed ? supplementaryGroups(cred.pid(), cred.uid()) : Set.of());
    }

    /**
     * The fallback without {@code SO_PEERGROUPS}.
     *
     * @param pid a process id
     * @param uid the user it must still run as (else the pid was reused)
     * @return its supplementary groups, or none when {@code /proc} does not tell
     */
    static Set<Integer> supplementaryGroups(int pid, int uid) {
        Set<Integer> out = new HashSet<>();
        if (pid <= 0) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"));
            if (!realUidIs(lines, uid)) {
                return new HashSet<>(); // the pid now belongs to another user's process: trust nothing
            }
            for (String line : lines) {
                if (line.startsWith("Groups:")) {
                    for (String g : line.substring("Groups:".length()).trim().split("\\s+")) {
                        if (!g.isEmpty()) {
                            out.add(Integer.parseInt(g));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process may be gone already, or /proc hidden: primary gid only
        }
        return out;
    }

    private static boolean realUidIs(List<String> statusLines, int uid) {
        for (String line : statusLines) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring("Uid:".length()).trim().split("\\s+");
                return f.length > 0 && f[0].equals(Integer.toString(uid));
            }
        }
        return false;
    }

    /**
     * @param rule an access rule
     * @return whether the rule lets this peer in
     */
    public boolean matches(AccessRule rule) {
        if (rule.isOpen() || rule.uids().contains(uid) || rule.gids().contains(gid)) {
            return true;
        }
        for (int g : groups) {
            if (rule.gids().contains(g)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Admins: root, the daemon's own user, and peers listed in {@code access.admin}; when that
     * list is empty, every reader.
     *
     * @param access the access section
     * @param selfUid the daemon's own uid
     * @return whether this peer may change filters
     */
    public boolean isAdmin(AccessConfig access, int selfUid) {
        if (isPrivileged(selfUid)) {
            return true;
        }
        return access.admin().isOpen() ? isReader(access, selfUid) : uid >= 0 && matches(access.admin());
    }

    /**
     * Readers: root, the daemon's own user, peers listed in {@code access.read} (anyone when it
     * is empty), and peers explicitly listed as admins.
     *
     * @param access the access section
     * @param selfUid the daemon's own uid
     * @return whether this peer may query
     */
    public boolean isReader(AccessConfig access, int selfUid) {
        return isPrivileged(selfUid) || access.read().isOpen()
                || (uid >= 0 && (matches(access.read()) || (!access.admin().isOpen() && matches(access.admin()))));
    }

    /**
     * @param access the access section
     * @return whether {@code access.admin} lists this peer (an open rule lists nobody)
     */
    public boolean isListedAdmin(AccessConfig access) {
        return !access.admin().isOpen() && uid >= 0 && matches(access.admin());
    }

    /**
     * @param selfUid the daemon's own uid
     * @return whether it is root or the daemon's own user
     */
    public boolean isPrivileged(int selfUid) {
        return uid == ROOT_UID || (uid >= 0 && uid == selfUid);
    }

    @Override
    public String toString() {
        return "uid=" + uid + " gid=" + gid + " pid=" + pid;
    }
}
