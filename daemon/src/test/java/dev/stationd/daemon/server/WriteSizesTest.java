package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a write weighs in a connection's writability. */
class WriteSizesTest {
    private final MessageSizeEstimator.Handle sizes = WriteSizes.INSTANCE.newHandle();

    @Test
    void aBufferWeighsItsReadableBytes() {
        ByteBuf buf = Unpooled.buffer(100).writeZero(40);
        buf.readerIndex(10);
        assertEquals(30, sizes.size(buf));
        buf.release();
    }

    @Test
    void aFileRegionWeighsItsBytesNotNothing(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("reply"), new byte[50_000]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            FileRegion region = new DefaultFileRegion(ch, 1_000, 45_060);
            assertEquals(45_060, sizes.size(region), "Netty's default says 0");
            region.release(); // closes the channel
        }
    }

    @Test
    void anythingElseWeighsWhatNettySays() {
        assertEquals(8, sizes.size("a reply object"), "DefaultMessageSizeEstimator's unknown size");
    }
}
