package dev.stationd.bench;

import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.CommandDecoder;
import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of stationd's hot paths: command decode, table reply encode, ingest
 * datagram decode, table update, and the snapshot a query takes after an update.
 *
 * <p>Run (not part of the test suite): {@code mvn -B -q -DskipTests package && java -jar bench/target/benchmarks.jar}
 * (add e.g. {@code -f 1 -wi 3 -i 5} for a shorter run, or a regex to pick benchmarks).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {

    /** A 64-byte STA_LIST command in a direct buffer, as the frame decoder hands it over. */
    @State(Scope.Thread)
    public static class CommandFrame {
        ByteBuf frame;

        @Setup
        public void setup() {
            frame = PooledByteBufAllocator.DEFAULT.directBuffer(CloudCmdAttr.SIZE);
            CloudCmdAttr.of(Command.STA_LIST).encode(frame);
        }

        @TearDown
        public void tearDown() {
            frame.release();
        }
    }

    /** Command decode: {@link CommandDecoder#decodeFrame} (validation + record). */
    @Benchmark
    public Object commandDecodeFrame(CommandFrame s) {
        s.frame.readerIndex(0);
        return CommandDecoder.decodeFrame(s.frame);
    }

    /** Command decode: {@link CloudCmdAttr#decode} alone. */
    @Benchmark
    public CloudCmdAttr cloudCmdAttrDecode(CommandFrame s) {
        s.frame.readerIndex(0);
        return CloudCmdAttr.decode(s.frame);
    }

    /** A table reply of N stations and a direct buffer big enough for it. */
    @State(Scope.Thread)
    public static class TableReply {
        @Param({"256", "4096"})
        public int stations;
        Reply reply;
        ByteBuf out;

        @Setup
        public void setup() {
            List<StaListAttr> list = BenchData.stations(stations);
            reply = Reply.table(list);
            out = PooledByteBufAllocator.DEFAULT.directBuffer(ReplyEncoder.size(reply));
        }

        @TearDown
        public void tearDown() {
            out.release();
        }
    }

    /** Table reply encode: {@link ReplyEncoder#encodeTo} of N {@code sta_list_attr}. */
    @Benchmark
    public ByteBuf replyEncode(TableReply s) {
        s.out.clear();
        ReplyEncoder.encodeTo(s.reply, s.out);
        return s.out;
    }

    /** 256 UPSERT events (two versions of each station, so every apply really changes the table). */
    @State(Scope.Thread)
    public static class Table {
        StationTable table;
        StaEvent[] events;
        ByteBuf[] datagrams;
        int next;

        @Setup(Level.Trial)
        public void setup() {
            table = new StationTable(100_000, System::currentTimeMillis);
            List<StaListAttr> list = BenchData.stations(256);
            events = new StaEvent[512];
            datagrams = new ByteBuf[512];
            for (int i = 0; i < 512; i++) {
                StaListAttr sta = list.get(i % 256);
                if (i >= 256) {
                    sta = sta.toBuilder().txPackets(sta.txPackets() + 1).build();
                }
                events[i] = StaEvent.upsert(i, sta);
                datagrams[i] = PooledByteBufAllocator.DEFAULT.directBuffer(StaEvent.SIZE);
                events[i].encode(datagrams[i]);
                table.apply(events[i]);
            }
        }

        @TearDown
        public void tearDown() {
            for (ByteBuf b : datagrams) {
                b.release();
            }
        }
    }

    /** Table update: {@link StationTable#apply} of one UPSERT that changes a station. */
    @Benchmark
    public boolean tableApply(Table s) {
        int i = s.next;
        s.next = (i + 1) & 511;
        return s.table.apply(s.events[i]);
    }

    /** Ingest decode: {@link StaEvent#decodeDatagram} of one 192-byte datagram. */
    @Benchmark
    public StaEvent ingestDecode(Table s) {
        int i = s.next;
        s.next = (i + 1) & 511;
        ByteBuf d = s.datagrams[i];
        d.readerIndex(0);
        return StaEvent.decodeDatagram(d);
    }

    /** The ingest path end to end (decode + apply), without the socket. */
    @Benchmark
    public boolean ingestDecodeAndApply(Table s) {
        int i = s.next;
        s.next = (i + 1) & 511;
        ByteBuf d = s.datagrams[i];
        d.readerIndex(0);
        return s.table.apply(StaEvent.decodeDatagram(d));
    }

    /** A STA_LIST right after an update: apply + snapshot rebuild (sort of 256) + query. */
    @Benchmark
    public List<StaListAttr> applyThenList(Table s) {
        int i = s.next;
        s.next = (i + 1) & 511;
        s.table.apply(s.events[i]);
        return s.table.snapshot().query(0, "", 0, 0, 0);
    }

    /** A STA_LIST between updates: the cached snapshot + query + the reply record (List.copyOf). */
    @Benchmark
    public Reply listFromCachedSnapshot(Table s) {
        return Reply.table(s.table.snapshot().query(0, "", 0, 0, 0));
    }
}
