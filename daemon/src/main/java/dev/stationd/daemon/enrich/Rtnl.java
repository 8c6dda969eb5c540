package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * rtnetlink in Java: the dump requests, and the parsing of what the kernel sends, frame by frame
 * ({@link NetlinkSocket#receive}'s length-prefixed datagrams), message by message, attribute by
 * attribute. Messages other than neighbours and links are skipped; so are neighbours of other
 * families (bridge FDB entries share the group) and proxy entries. A malformed message ends the
 * parsing of its datagram (reported), never the reader.
 */
final class Rtnl {
    /** {@code RTM_NEWLINK}. */
    static final int RTM_NEWLINK = 16;
    /** {@code RTM_DELLINK}. */
    static final int RTM_DELLINK = 17;
    /** {@code RTM_GETLINK}. */
    static final int RTM_GETLINK = 18;
    /** {@code RTM_NEWNEIGH}. */
    static final int RTM_NEWNEIGH = 28;
    /** {@code RTM_DELNEIGH}. */
    static final int RTM_DELNEIGH = 29;
    /** {@code RTM_GETNEIGH}. */
    static final int RTM_GETNEIGH = 30;
    /** {@code NDA_DST}. */
    static final int NDA_DST = 1;
    /** {@code NDA_LLADDR}. */
    static final int NDA_LLADDR = 2;
    /** {@code NDA_CACHEINFO}: {@code struct nda_cacheinfo}, four u32 ages in clock ticks. */
    static final int NDA_CACHEINFO = 3;
    /** {@code IFLA_IFNAME}. */
    static final int IFLA_IFNAME = 3;
    /** {@code sizeof(struct rtattr)}. */
    static final int RTATTR_SIZE = 4;
    /** Milliseconds per {@code clock_t} tick ({@code USER_HZ} = 100 on Linux). */
    static final int MS_PER_TICK = 10;
    private static final int RTA_TYPE_MASK = 0x3FFF; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER

    private Rtnl() {
    }

    /**
     * @param type {@link #RTM_GETNEIGH} or {@link #RTM_GETLINK}
     * @param seq the request's sequence number
     * @return a direct buffer holding the dump request (position 0, limit its length)
     */
    static ByteBuffer dumpRequest(int type, int seq) {
        int body = type == RTM_GETNEIGH ? NdMsg.SIZE : IfInfoMsg.SIZE;
        int len = NlMsgHdr.SIZE + body;
        ByteBuffer b = ByteBuffer.allocateDirect(NlMsgHdr.align(len)).order(ByteOrder.nativeOrder());
        new NlMsgHdr(len, type, NlMsgHdr.F_REQUEST | NlMsgHdr.F_DUMP, seq, 0).encode(b);
        if (type == RTM_GETNEIGH) {
            new NdMsg(0, 0, 0, 0, 0).encode(b); // AF_UNSPEC: IPv4 and IPv6
        } else {
            new IfInfoMsg(0, 0, 0, 0, 0).encode(b);
        }
        return b.clear().limit(len);
    }

    /**
     * Parses the frames {@link NetlinkSocket#receive} wrote.
     *
     * @param buf host-order buffer
     * @param length bytes written
     * @param out receives each message
     * @param bad receives a description of each datagram whose parsing stopped early
     */
    static void parseFrames(ByteBuffer buf, int length, Consumer<RtnlMessage> out, Consumer<String> bad) {
        int at = 0;
        while (at + NetlinkSocket.FRAME_HEADER <= length) {
            int n = buf.getInt(at);
            at += NetlinkSocket.FRAME_HEADER;
            if (n == 0) {
                out.accept(new RtnlMessage.Overrun());
                continue;
            }
            if (n < 0 || n > length - at) {
                bad.accept("frame length " + n + " beyond the " + (length - at) + " bytes received");
                return;
            }
            try {
                parseDatagram(buf, at, n, out);
            } catch (RtnlException e) {
                bad.accept(e.getMessage());
            }
            at += NlMsgHdr.align(n);
        }
    }

    /**
     * Parses one datagram (one or more messages).
     *
     * @param buf host-order buffer
     * @param start offset of the datagram
     * @param length its length
     * @param out receives each message
     * @throws RtnlException at the first malformed message (the ones before it were delivered)
     */
    static void parseDatagram(ByteBuffer buf, int start, int length, Consumer<RtnlMessage> out) {
        ByteBuffer d = buf.slice(start, length).order(ByteOrder.nativeOrder()); // offsets in errors: within the datagram
        int at = 0;
        int end = length;
        while (end - at >= NlMsgHdr.SIZE) {
            NlMsgHdr h = NlMsgHdr.decode(d, at, end - at);
            RtnlMessage m = message(d, at, h);
            if (m != null) {
                out.accept(m);
            }
            at += NlMsgHdr.align(h.length());
        }
    }

    private static RtnlMessage message(ByteBuffer buf, int at, NlMsgHdr h) {
        int body = at + NlMsgHdr.SIZE;
        int bodyLen = h.length() - NlMsgHdr.SIZE;
        boolean dump = (h.flags() & NlMsgHdr.F_MULTI) != 0;
        switch (h.type()) {
            case NlMsgHdr.DONE:
                return new RtnlMessage.Done(h.seq(), (h.flags() & NlMsgHdr.F_DUMP_INTR) != 0);
            case NlMsgHdr.ERROR:
                if (bodyLen < 4) {
                    throw new RtnlException("nlmsgerr.error", bodyLen + " bytes", "4 bytes", body);
                }
                return new RtnlMessage.Error(h.seq(), -buf.getInt(body));
            case NlMsgHdr.OVERRUN:
                return new RtnlMessage.Overrun();
            case RTM_NEWNEIGH:
            case RTM_DELNEIGH:
                return neighbour(buf, body, bodyLen, h.type() == RTM_DELNEIGH, dump);
            case RTM_NEWLINK:
            case RTM_DELLINK:
                return link(buf, body, bodyLen, h.type() == RTM_DELLINK, dump);
            default:
                return null;
        }
    }

    /** Receives the attributes ({@code struct rtattr} + data) of one message. */
    private interface Attributes {
        /**
         * @param type {@code rta_type} without the nested / byte-order flags
         * @param data offset of the attribute's data
         * @param length length of the data
         * @param at offset of the attribute (for errors)
         * @return false to stop
         */
        boolean attribute(int type, int data, int length, int at);
    }

    /** Walks the attributes in {@code [from, end)}; a length that does not fit is malformed. */
    private static void attributes(ByteBuffer buf, int from, int end, Attributes visitor) {
        int a = from;
        while (end - a >= RTATTR_SIZE) {
            int rtaLen = Short.toUnsignedInt(buf.getShort(a));
            int rtaType = Short.toUnsignedInt(buf.getShort(a + 2)) & RTA_TYPE_MASK;
            if (rtaLen < RTATTR_SIZE || rtaLen > end - a) {
                throw new RtnlException("rta_len", rtaLen, RTATTR_SIZE + ".." + (end - a), a);
            }
            if (!visitor.attribute(rtaType, a + RTATTR_SIZE, rtaLen - RTATTR_SIZE, a)) {
                return;
            }
            a += NlMsgHdr.align(rtaLen);
        }
    }

    private static RtnlMessage neighbour(ByteBuffer buf, int at, int len, boolean deleted, boolean dump) {
        NdMsg nd = NdMsg.decode(buf, at, len);
        if ((nd.family() != NdMsg.AF_INET && nd.family() != NdMsg.AF_INET6) || (nd.flags() & NdMsg.NTF_PROXY) != 0) {
            return null;
        }
        int addrLen = nd.family() == NdMsg.AF_INET ? 4 : 16;
        InetAddress[] dst = new InetAddress[1];
        MacAddress[] lladdr = new MacAddress[1];
        long[] confirmedAgoMs = {-1};
        attributes(buf, at + NdMsg.SIZE, at + len, (type, data, dataLen, a) -> {
            if (type == NDA_DST) {
                if (dataLen != addrLen) {
                    throw new RtnlException("NDA_DST length", dataLen, addrLen + " for family " + nd.family(), a);
                }
                dst[0] = address(buf, data, addrLen);
            } else if (type == NDA_LLADDR && dataLen == MacAddress.SIZE) {
                byte[] mac = new byte[MacAddress.SIZE];
                buf.get(data, mac);
                lladdr[0] = MacAddress.of(mac);
            } else if (type == NDA_CACHEINFO && dataLen >= 4) {
                confirmedAgoMs[0] = Integer.toUnsignedLong(buf.getInt(data)) * MS_PER_TICK;
            }
            return true;
        });
        if (dst[0] == null) {
            throw new RtnlException("NDA_DST", "missing", "an address", at);
        }
        return new RtnlMessage.Neighbour(deleted, dump, nd.ifindex(), nd.state(), dst[0], lladdr[0], confirmedAgoMs[0]);
    }

    private static RtnlMessage link(ByteBuffer buf, int at, int len, boolean deleted, boolean dump) {
        IfInfoMsg ifi = IfInfoMsg.decode(buf, at, len);
        String[] name = new String[1];
        attributes(buf, at + IfInfoMsg.SIZE, at + len, (type, data, dataLen, a) -> {
            if (type != IFLA_IFNAME) {
                return true;
            }
            int n = 0;
            while (n < dataLen && buf.get(data + n) != 0) {
                n++;
            }
            byte[] raw = new byte[n];
            buf.get(data, raw);
            name[0] = new String(raw, StandardCharsets.UTF_8);
            return false;
        });
        if (name[0] == null) {
            throw new RtnlException("IFLA_IFNAME", "missing", "the interface name", at);
        }
        return new RtnlMessage.Link(deleted, dump, ifi.index(), name[0]);
    }

    private static InetAddress address(ByteBuffer buf, int at, int len) {
        byte[] raw = new byte[len];
        buf.get(at, raw);
        if (len == 16) {
            return StaListAttr.ipv6(raw); // never folded into IPv4
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 bytes are always an address
        }
    }
}
