package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.stationd.daemon.config.ConfigLoader;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StationServer}'s client channels, as a real epoll server in this JVM accepts them. */
class StationServerTest {
    @TempDir
    Path dir;

    @Test
    void aClientSocketIsReadAPageAtATime() throws Exception {
        StationdConfig cfg = ConfigLoader.load(Files.writeString(dir.resolve("stationd.yaml"),
                "server:\n  socket: " + dir.resolve("stationd.sock") + "\ningest:\n  socket: " + dir.resolve("events.sock")
                        + "\nstate:\n  directory: " + dir.resolve("state") + "\n"));
        StationTable table = new StationTable(10, System::currentTimeMillis);
        ByteBuf frame = Unpooled.buffer(CloudCmdAttr.SIZE);
        CloudCmdAttr.of(Command.PING).encode(frame);
        byte[] ping = ByteBufUtil.getBytes(frame);
        frame.release();
        try (FilterService filters = new FilterService(new FilterFile(dir), FilterSet.empty(), 10, table::setFilters);
             CommandProcessor processor = new CommandProcessor(table, filters);
             StationServer server = new StationServer(new ServerContext(cfg, table, processor))) {
            server.start();
            try (RawConnection client = RawConnection.open(cfg.server().socket())) {
                client.write(ping);
                client.expectAck("PING"); // accepted and answered: the channel is set up
                List<Channel> channels = new ArrayList<>();
                server.clientChannels().forEach(channels::add);
                assertEquals(1, channels.size());
                // A fixed page, not Netty's adaptive guess: that one shrank to 64 bytes under one
                // request at a time and then needed a second read for about one request in eight.
                RecvByteBufAllocator recv = channels.get(0).config().getRecvByteBufAllocator();
                assertInstanceOf(FixedRecvByteBufAllocator.class, recv);
                assertEquals(StationServer.CLIENT_RECV_SIZE, recv.newHandle().guess());
                assertEquals(4096, StationServer.CLIENT_RECV_SIZE, "a page");
            }
        }
    }
}
