package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A hostapd control socket on a real Unix datagram socket, answering the way hostapd 2.10 does:
 * every reply is a captured datagram ({@code src/test/resources/hostapd/wired-2.10/}, see
 * {@link Captures}) with the MAC of the station asked for, and the deny list is kept like
 * hostapd keeps it: sorted by MAC, {@code ADD_MAC} of an entry already there changes nothing,
 * {@code DEL_MAC} of one that is not there answers {@code OK}, and {@code SHOW} writes whole
 * lines while a line and its NUL fit in the 4096-byte reply buffer (measured on hostapd 2.10:
 * 300 entries give the lowest 146, 4088 bytes). {@link #reload()} does what {@code kill -HUP}
 * does to it: an empty deny list and no stations.
 *
 * <p>A test may {@linkplain #script override} the answer to any command. An empty reply is not
 * sent at all (Netty sends no zero-length datagram), which is also what the link's side sees of
 * one. Thread-safe: the answers are computed on the socket's event loop.
 */
final class ScriptedHostapd implements AutoCloseable {
    /** hostapd's control interface reply buffer. */
    static final int REPLY_SIZE = 4096;

    private final Channel channel;
    private final List<String> received = new CopyOnWriteArrayList<>();
    /** MAC to VLAN id, sorted as hostapd sorts its list. */
    private final TreeMap<MacAddress, Integer> denyList = new TreeMap<>();
    /** What hostapd's {@code deny_mac_file} holds: the list after a reload. */
    private final TreeMap<MacAddress, Integer> denyMacFile = new TreeMap<>();
    /** Connected stations, in hostapd's list order. */
    private final List<MacAddress> stations = new ArrayList<>();
    private volatile Function<String, List<String>> script = cmd -> null;
    private volatile DomainSocketAddress client;

    private ScriptedHostapd(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds a scripted hostapd at {@code ctrl}.
     *
     * @param group the event loop group to run on
     * @param ctrl the control socket path
     * @return the running socket
     * @throws InterruptedException if interrupted while binding
     */
    static ScriptedHostapd start(EventLoopGroup group, Path ctrl) throws InterruptedException {
        ScriptedHostapd[] self = new ScriptedHostapd[1];
        Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(8192))
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        self[0].onRequest(ctx, p);
                    }
                }).bind(new DomainSocketAddress(ctrl.toString())).sync().channel();
        self[0] = new ScriptedHostapd(ch);
        return self[0];
    }

    /**
     * @param s answers a command with the datagrams to send, or {@code null} for hostapd's own answer
     * @return this
     */
    ScriptedHostapd script(Function<String, List<String>> s) {
        script = s;
        return this;
    }

    /** @return every datagram received, in order */
    List<String> received() {
        return received;
    }

    /** @return how many times {@code command} was received */
    long count(String command) {
        return received.stream().filter(command::equals).count();
    }

    /** @return how many commands starting with {@code prefix} were received */
    long countStarting(String prefix) {
        return received.stream().filter(r -> r.startsWith(prefix)).count();
    }

    /** @return a copy of the deny list */
    synchronized List<MacAddress> denyList() {
        return new ArrayList<>(denyList.keySet());
    }

    /** Adds a deny-list entry behind stationd's back (another {@code DENY_ACL} client). */
    synchronized void deny(MacAddress mac, int vlanId) {
        denyList.put(mac, vlanId);
    }

    /** Adds an entry to hostapd's {@code deny_mac_file} and so to the list. */
    synchronized void denyInFile(MacAddress mac) {
        denyMacFile.put(mac, 0);
        denyList.put(mac, 0);
    }

    /** Removes a deny-list entry behind stationd's back. */
    synchronized void undeny(MacAddress mac) {
        denyList.remove(mac);
    }

    /** Connects a station (no event: use {@link #event} for that). */
    synchronized void connect(MacAddress mac) {
        if (!stations.contains(mac)) {
            stations.add(mac);
        }
    }

    /** @return the connected stations */
    synchronized List<MacAddress> stations() {
        return new ArrayList<>(stations);
    }

    /** What {@code kill -HUP} does: the deny list is the {@code deny_mac_file} again, stations are dropped. */
    synchronized void reload() {
        denyList.clear();
        denyList.putAll(denyMacFile);
        stations.clear();
    }

    /**
     * Sends an event to the client that sent the last request.
     *
     * @param text e.g. {@code <3>AP-STA-CONNECTED 02:00:00:00:00:01}
     */
    void event(String text) {
        send(text, client);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private void onRequest(ChannelHandlerContext ctx, DomainDatagramPacket p) {
        String cmd = p.content().toString(StandardCharsets.US_ASCII);
        received.add(cmd);
        client = p.sender();
        List<String> out = script.apply(cmd);
        for (String d : out != null ? out : answer(cmd)) {
            send(d, p.sender());
        }
    }

    private void send(String datagram, DomainSocketAddress to) {
        if (!datagram.isEmpty() && to != null) {
            channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(datagram, StandardCharsets.ISO_8859_1), to));
        }
    }

    /** hostapd 2.10's answer to {@code cmd}. */
    synchronized List<String> answer(String cmd) {
        String arg = cmd.indexOf(' ') < 0 ? "" : cmd.substring(cmd.indexOf(' ') + 1);
        switch (cmd.indexOf(' ') < 0 ? cmd : cmd.substring(0, cmd.indexOf(' '))) {
            case "PING":
                return List.of(capture("ping.txt"));
            case "ATTACH", "DETACH":
                return List.of(capture("attach.txt"));
            case "GET_CONFIG":
                return List.of(capture("get-config.txt"));
            case "STATUS":
                return List.of(capture("status.txt"));
            case "STA-FIRST":
                return List.of(stations.isEmpty() ? capture("sta-next-end.txt") : sta("sta-first.txt", stations.get(0)));
            case "STA-NEXT": {
                int i = stations.indexOf(MacAddress.parse(arg));
                if (i < 0) {
                    return List.of(capture("sta-unknown.txt"));
                }
                return List.of(i + 1 < stations.size() ? sta("sta-next.txt", stations.get(i + 1)) : capture("sta-next-end.txt"));
            }
            case "STA":
                return List.of(stations.contains(MacAddress.parse(arg)) ? sta("sta.txt", MacAddress.parse(arg))
                        : capture("sta-unknown.txt"));
            case "DEAUTHENTICATE": {
                MacAddress mac = MacAddress.parse(arg);
                boolean was = stations.remove(mac);
                String ok = capture("deauthenticate.txt");
                // hostapd emits the event while it handles the command, before the reply
                return was ? List.of(capture("event-1.txt").replace("02:00:00:00:00:02", mac.toString()), ok) : List.of(ok);
            }
            case "DENY_ACL":
                return denyAcl(arg);
            default:
                return List.of(capture("unknown-command.txt"));
        }
    }

    private List<String> denyAcl(String arg) {
        if (arg.startsWith("ADD_MAC ")) {
            denyList.put(MacAddress.parse(arg.substring(8, 25)), 0);
            return List.of(capture("deny-acl-add.txt"));
        }
        if (arg.startsWith("DEL_MAC ")) {
            denyList.remove(MacAddress.parse(arg.substring(8, 25)));
            return List.of(capture("deny-acl-del.txt"));
        }
        if (arg.equals("SHOW")) {
            return List.of(show(denyList));
        }
        if (arg.equals("CLEAR")) {
            denyList.clear();
            return List.of(capture("deny-acl-add.txt"));
        }
        return List.of(capture("unknown-command.txt"));
    }

    /** hostapd 2.10's {@code DENY_ACL SHOW}: whole lines while line + NUL fit in the reply buffer. */
    static String show(Map<MacAddress, Integer> list) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<MacAddress, Integer> e : list.entrySet()) {
            String line = e.getKey() + " VLAN_ID=" + e.getValue() + "\n";
            if (b.length() + line.length() + 1 > REPLY_SIZE) {
                break;
            }
            b.append(line);
        }
        return b.toString();
    }

    private static String sta(String capture, MacAddress mac) {
        String c = capture(capture);
        return mac + c.substring(c.indexOf('\n'));
    }

    private static String capture(String name) {
        return Captures.read("wired-2.10/" + name);
    }
}
