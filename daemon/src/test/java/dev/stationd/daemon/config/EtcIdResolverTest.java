package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcIdResolverTest {

    @Test
    void readsPasswdAndGroup(@TempDir Path dir) throws IOException {
        Path passwd = Files.writeString(dir.resolve("passwd"), """
                # comment
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh
                alice:x:2000:2000::/home/alice2:/bin/sh
                broken-line
                bad:x:notanumber:0::/:/bin/false
                +nisuser::::::
                """);
        Path group = Files.writeString(dir.resolve("group"), """
                root:x:0:
                netdev:x:108:alice,bob
                """);
        EtcIdResolver r = new EtcIdResolver(passwd, group);
        assertEquals(OptionalInt.of(0), r.userId("root"));
        assertEquals(OptionalInt.of(1000), r.userId("alice"), "first entry wins");
        assertEquals(OptionalInt.empty(), r.userId("bad"));
        assertEquals(OptionalInt.empty(), r.userId("+nisuser"));
        assertEquals(OptionalInt.empty(), r.userId("nobody-here"));
        assertEquals(OptionalInt.of(108), r.groupId("netdev"));
        assertEquals(OptionalInt.empty(), r.groupId("alice"));
    }

    @Test
    void missingFilesResolveNothing(@TempDir Path dir) {
        EtcIdResolver r = new EtcIdResolver(dir.resolve("nope1"), dir.resolve("nope2"));
        assertEquals(OptionalInt.empty(), r.userId("root"));
        assertEquals(OptionalInt.empty(), r.groupId("root"));
    }
}
