package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Prints a {@link StationdConfig} as YAML that {@link ConfigLoader} reads back unchanged. */
final class ConfigWriter {
    private final StringBuilder out = new StringBuilder();

    private ConfigWriter() {
    }

    static String write(StationdConfig config) {
        return new ConfigWriter().config(config).out.toString();
    }

    private ConfigWriter config(StationdConfig c) {
        out.append("# stationd effective configuration\n");
        out.append("# source: ").append(c.source() == null ? "(built-in defaults)" : quote(c.source().toString()))
                .append('\n');
        ServerConfig s = c.server();
        section("server");
        key("socket", path(s.socket()));
        key("socket_mode", quote(s.socketModeString()));
        group(s.socketGroup(), s.socketGid().isPresent() ? s.socketGid().getAsInt() : -1);
        key("backlog", s.backlog());
        key("max_connections", s.maxConnections());
        key("idle_timeout", Durations.format(s.idleTimeout()));
        key("io_threads", s.ioThreads());
        key("write_buffer_high", s.writeBufferHigh());
        key("write_buffer_low", s.writeBufferLow());
        key("subscriber_backlog", s.subscriberBacklog());
        IngestConfig i = c.ingest();
        section("ingest");
        key("socket", path(i.socket()));
        key("socket_mode", quote(i.socketModeString()));
        group(i.socketGroup(), i.socketGid().isPresent() ? i.socketGid().getAsInt() : -1);
        section("state");
        key("directory", path(c.state().directory()));
        section("table");
        key("max_stations", c.table().maxStations());
        key("expire_after", Durations.format(c.table().expireAfter()));
        section("filters");
        key("max_filters", c.filters().maxFilters());
        section("log");
        key("level", c.log().levelName());
        section("access");
        rule("read", c.access().read());
        rule("admin", c.access().admin());
        HostapdSettings h = c.hostapd();
        if (h.interfaces().isEmpty()) {
            out.append("hostapd: []\n");
        } else {
            out.append("hostapd:\n");
            for (HostapdConfig e : h.interfaces()) {
                out.append("  - ctrl: ").append(path(e.ctrl())).append('\n');
                out.append("    group_id: ").append(Integer.toUnsignedString(e.groupId())).append('\n');
                out.append("    enforce_filters: ").append(e.enforceFilters()).append('\n');
            }
        }
        out.append("hostapd_resync: ").append(Durations.format(h.resync())).append('\n');
        return this;
    }

    private void section(String name) {
        out.append(name).append(":\n");
    }

    private void key(String name, Object value) {
        out.append("  ").append(name).append(": ").append(value).append('\n');
    }

    private void group(String spec, int gid) {
        out.append("  socket_group: ").append(quote(spec));
        if (gid >= 0 && !spec.equals(Integer.toString(gid))) {
            out.append("  # gid ").append(gid);
        }
        out.append('\n');
    }

    private void rule(String name, AccessRule rule) {
        out.append("  ").append(name).append(":\n");
        out.append("    uids: ").append(ids(rule.uids())).append('\n');
        out.append("    gids: ").append(ids(rule.gids())).append('\n');
    }

    private static String ids(Set<Integer> ids) {
        return ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String path(Path p) {
        return quote(p.toString());
    }

    /** @return {@code s} as a YAML double-quoted scalar */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029
                    || cp == 0xfeff || cp == 0xfffe || cp == 0xffff
                    || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                b.append(cp <= 0xff ? String.format("\\x%02x", cp) : String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}
