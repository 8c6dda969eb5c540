package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Compiles {@code src/abi/abi_check.c} against {@code src/include/stationd/protocol.h}, runs it and
 * checks every {@code key value} line it prints against the Java constants. A C key without a Java
 * mapping fails, and every Java {@code OFFSET_*} constant and enum constant must appear in the C
 * output, so nothing is silently left unchecked in either direction.
 */
class AbiCheckTest {
    private static final Pattern LINE = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*) (-?[0-9]+)");
    private static final Map<String, Class<?>> STRUCTS = new LinkedHashMap<>();

    static {
        STRUCTS.put("cloud_cmd_attr", CloudCmdAttr.class);
        STRUCTS.put("sta_list_attr", StaListAttr.class);
        STRUCTS.put("filter_attr", FilterAttr.class);
        STRUCTS.put("sta_event", StaEvent.class);
    }

    private static final String NO_GCC = "gcc is not on PATH: the C/Java ABI check is skipped";
    private static Map<String, Long> abi;

    /** A Java constant that a C key must equal. */
    private record JavaConst(String name, long value) {
    }

    @BeforeAll
    static void compileAndRun() throws IOException, InterruptedException {
        Path gcc = onPath("gcc");
        if (gcc == null) {
            return; // each test aborts (reported as skipped) with NO_GCC
        }
        Path root = repoRoot();
        Path out = Path.of("target").toAbsolutePath().resolve("abi-check");
        Files.createDirectories(out);
        Path exe = out.resolve("abi_check");
        run(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror",
                "-I" + root.resolve("src/include"), root.resolve("src/abi/abi_check.c").toString(),
                "-o", exe.toString()), "gcc");
        String text = run(List.of(exe.toString()), "abi_check");
        abi = parse(text);
    }

    private static Path onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Walks up from the working directory (Maven: the module dir) to the dir holding the C header. */
    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("src/include/stationd/protocol.h"))
                    && Files.isRegularFile(p.resolve("src/abi/abi_check.c"))) {
                return p;
            }
        }
        return fail("no src/include/stationd/protocol.h above " + Path.of("").toAbsolutePath());
    }

    private static String run(List<String> cmd, String what) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        proc.getOutputStream().close();
        String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = proc.waitFor();
        assertEquals(0, rc, () -> what + " failed (" + String.join(" ", cmd) + "):\n" + output);
        return output;
    }

    private static Map<String, Long> parse(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher mt = LINE.matcher(line.strip());
            assertTrue(mt.matches(), "abi_check printed a line that is not `key value`: " + line);
            Long old = m.put(mt.group(1), Long.parseLong(mt.group(2)));
            assertNotNull(mt.group(1));
            assertEquals(null, old, "duplicate key " + mt.group(1));
        }
        assertFalse(m.isEmpty(), "abi_check printed nothing");
        return m;
    }

    // ---------------------------------------------------------------- the Java side

    private static void put(Map<String, List<JavaConst>> m, String key, String javaName, long value) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(new JavaConst(javaName, value));
    }

    private static int staticInt(Class<?> c, String name) {
        try {
            return c.getField(name).getInt(null);
        } catch (ReflectiveOperationException e) {
            return fail(c.getSimpleName() + "." + name + " is missing", e);
        }
    }

    /** Every C key the Java side knows, with the Java constant(s) it must equal. */
    private static Map<String, List<JavaConst>> javaAbi() {
        Map<String, List<JavaConst>> m = new LinkedHashMap<>();
        // sizes
        put(m, "cloud_cmd_attr.SIZE", "CloudCmdAttr.SIZE", CloudCmdAttr.SIZE);
        put(m, "sta_list_attr.SIZE", "StaListAttr.SIZE", StaListAttr.SIZE);
        put(m, "sta_event.SIZE", "StaEvent.SIZE", StaEvent.SIZE);
        put(m, "filter_attr.SIZE", "FilterAttr.SIZE", FilterAttr.SIZE);
        // offsets: every public static int OFFSET_X of the record is the C field x
        for (Map.Entry<String, Class<?>> s : STRUCTS.entrySet()) {
            for (Field f : s.getValue().getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith("OFFSET_")) {
                    String cField = f.getName().substring("OFFSET_".length()).toLowerCase(Locale.ROOT);
                    put(m, s.getKey() + "." + cField, s.getValue().getSimpleName() + "." + f.getName(),
                            staticInt(s.getValue(), f.getName()));
                }
            }
        }
        // magics (u32), version
        put(m, "STATIOND_CMD_MAGIC", "CloudCmdAttr.MAGIC", Integer.toUnsignedLong(CloudCmdAttr.MAGIC));
        put(m, "STATIOND_EVENT_MAGIC", "StaEvent.MAGIC", Integer.toUnsignedLong(StaEvent.MAGIC));
        put(m, "STATIOND_PROTOCOL_VERSION", "CloudCmdAttr.VERSION", CloudCmdAttr.VERSION);
        put(m, "STATIOND_PROTOCOL_VERSION", "StaEvent.VERSION", StaEvent.VERSION);
        // string sizes
        put(m, "STATIOND_IFNAME_LEN", "CloudCmdAttr.IFNAME_SIZE", CloudCmdAttr.IFNAME_SIZE);
        put(m, "STATIOND_IFNAME_LEN", "StaListAttr.IFNAME_SIZE", StaListAttr.IFNAME_SIZE);
        put(m, "STATIOND_SSID_LEN", "StaListAttr.SSID_SIZE", StaListAttr.SSID_SIZE);
        put(m, "STATIOND_HOSTNAME_LEN", "StaListAttr.HOSTNAME_SIZE", StaListAttr.HOSTNAME_SIZE);
        // list flags
        put(m, "STATIOND_LIST_ONLY_FILTERED", "CloudCmdAttr.ONLY_FILTERED", CloudCmdAttr.ONLY_FILTERED);
        put(m, "STATIOND_LIST_EXCLUDE_FILTERED", "CloudCmdAttr.EXCLUDE_FILTERED", CloudCmdAttr.EXCLUDE_FILTERED);
        // filter_attr flags
        put(m, "STATIOND_FILTER_PRESENT", "FilterAttr.PRESENT", FilterAttr.PRESENT);
        put(m, "STATIOND_FILTER_TIMED", "FilterAttr.TIMED", FilterAttr.TIMED);
        // the "ACK\0" reply length
        put(m, "STATIOND_ACK_LEN", "ReplyEncoder.size(Reply.ack())", ReplyEncoder.size(Reply.ack()));
        // enums
        for (Command c : Command.values()) {
            put(m, "STATIOND_CMD_" + c.name(), "Command." + c.name() + ".code()", c.code());
        }
        for (ErrorCode e : ErrorCode.values()) {
            put(m, "STATIOND_" + e.name(), "ErrorCode." + e.name() + ".code()", e.code());
        }
        for (EventType t : EventType.values()) {
            put(m, "STATIOND_EVENT_" + t.name(), "EventType." + t.name() + ".code()", t.code());
        }
        for (Map.Entry<String, Band> b : cBandNames().entrySet()) {
            put(m, "STATIOND_BAND_" + b.getKey(), "Band." + b.getValue().name() + ".code()", b.getValue().code());
        }
        // station flags: every public static int of StaFlags
        for (Field f : StaFlags.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                put(m, "STATIOND_STA_" + f.getName(), "StaFlags." + f.getName(), staticInt(StaFlags.class, f.getName()));
            }
        }
        return m;
    }

    private static Map<String, Band> cBandNames() {
        Map<String, Band> m = new LinkedHashMap<>();
        m.put("UNKNOWN", Band.UNKNOWN);
        m.put("2G4", Band.GHZ_2_4);
        m.put("5G", Band.GHZ_5);
        m.put("6G", Band.GHZ_6);
        m.put("60G", Band.GHZ_60);
        return m;
    }

    // ---------------------------------------------------------------- checks

    @BeforeEach
    void requireGcc() {
        if (abi == null) {
            Assumptions.abort(NO_GCC);
        }
    }

    @Test
    void everyCLineEqualsItsJavaConstant() {
        Map<String, List<JavaConst>> java = javaAbi();
        List<Executable> checks = new ArrayList<>();
        for (Map.Entry<String, Long> line : abi.entrySet()) {
            String key = line.getKey();
            long cValue = line.getValue();
            List<JavaConst> consts = java.get(key);
            if (consts == null) {
                checks.add(() -> fail("C key " + key + " (" + cValue + ") has no Java mapping"));
                continue;
            }
            for (JavaConst j : consts) {
                checks.add(() -> assertEquals(cValue, j.value(), key + " (C) vs " + j.name() + " (Java)"));
            }
        }
        assertAll(checks);
    }

    @Test
    void everyJavaConstantAppearsInTheCOutput() {
        List<Executable> checks = new ArrayList<>();
        for (Map.Entry<String, List<JavaConst>> e : javaAbi().entrySet()) {
            checks.add(() -> assertTrue(abi.containsKey(e.getKey()),
                    e.getValue().get(0).name() + " has no C counterpart " + e.getKey() + " in abi_check output"));
        }
        assertAll(checks);
    }

    @Test
    void everyOffsetConstantIsChecked() {
        int offsets = 0;
        for (Map.Entry<String, Class<?>> s : STRUCTS.entrySet()) {
            for (Field f : s.getValue().getDeclaredFields()) {
                if (f.getName().startsWith("OFFSET_")) {
                    offsets++;
                    String key = s.getKey() + "." + f.getName().substring(7).toLowerCase(Locale.ROOT);
                    assertTrue(Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                            && f.getType() == int.class, f + " must be public static int to be checked");
                    assertTrue(abi.containsKey(key), s.getValue().getSimpleName() + "." + f.getName() + " missing from C as " + key);
                }
            }
        }
        // protocol.md tables: cloud_cmd_attr 12 fields, sta_list_attr 20, filter_attr 6, sta_event 6
        assertEquals(12 + 20 + 6 + 6, offsets, "OFFSET_* constants found by reflection");
        long cOffsets = abi.keySet().stream().filter(k -> k.contains(".") && !k.endsWith(".SIZE")).count();
        assertEquals(offsets, cOffsets, "every C offset line has a Java OFFSET_* constant and vice versa");
    }

    @Test
    void codesMapBackToTheSameEnumConstants() {
        List<Executable> checks = new ArrayList<>();
        lookups(checks, "STATIOND_CMD_", Command::valueOf, "MAGIC");
        lookups(checks, "STATIOND_E_", ErrorCode::valueOf);
        lookups(checks, "STATIOND_EVENT_", EventType::valueOf, "MAGIC");
        for (Map.Entry<String, Band> b : cBandNames().entrySet()) {
            Long v = abi.get("STATIOND_BAND_" + b.getKey());
            checks.add(() -> assertSame(b.getValue(), Band.valueOf(Math.toIntExact(v)), "STATIOND_BAND_" + b.getKey()));
        }
        assertEquals(Band.values().length, cBandNames().size(), "every Band has a C name");
        assertAll(checks);
    }

    private static void lookups(List<Executable> checks, String prefix, IntFunction<Enum<?>> valueOf, String... notEnum) {
        outer:
        for (Map.Entry<String, Long> line : abi.entrySet()) {
            if (!line.getKey().startsWith(prefix)) {
                continue;
            }
            String suffix = line.getKey().substring(prefix.length());
            for (String skip : notEnum) {
                if (skip.equals(suffix)) {
                    continue outer;
                }
            }
            String expectedName = prefix.equals("STATIOND_E_") ? "E_" + suffix : suffix;
            checks.add(() -> assertEquals(expectedName, valueOf.apply(Math.toIntExact(line.getValue())).name(),
                    line.getKey() + " = " + line.getValue()));
        }
    }
}
