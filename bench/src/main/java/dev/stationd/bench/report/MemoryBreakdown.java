package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a daemon's resident memory goes, from what {@code run.sh} saved of it: its mappings
 * ({@code smaps}: address range, file, Rss), the JVM's own accounting ({@code jcmd
 * VM.native_memory summary}: committed KiB per category) and the heap's address range ({@code jcmd
 * GC.heap_info}).
 */
final class MemoryBreakdown {
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ \\S+\\s*(.*)$");
    private static final Pattern RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x[0-9a-f]+, 0x([0-9a-f]+)\\)");
    private static final Pattern NMT = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /** Resident KiB by part, then the JVM's committed KiB by category, in display order. */
    private final Map<String, Long> parts = new LinkedHashMap<>();

    private MemoryBreakdown() {
    }

    /** @return the breakdown of {@code out/w5m-LABEL-*.txt}, or null when they are missing */
    static MemoryBreakdown read(Path out, String label) throws IOException {
        Path smaps = out.resolve("w5m-" + label + "-smaps.txt");
        if (!Files.exists(smaps)) {
            return null;
        }
        long heapFrom = Long.MAX_VALUE;
        long heapTo = 0;
        Path heap = out.resolve("w5m-" + label + "-heap.txt");
        if (Files.exists(heap)) {
            Matcher m = RANGE.matcher(Files.readString(heap));
            while (m.find()) {
                heapFrom = Math.min(heapFrom, Long.parseUnsignedLong(m.group(1), 16));
                heapTo = Math.max(heapTo, Long.parseUnsignedLong(m.group(2), 16));
            }
        }
        long total = 0;
        long heapRss = 0;
        long archives = 0;
        long jvm = 0;
        long files = 0;
        long anon = 0;
        long start = 0;
        String file = "";
        for (String line : Files.readAllLines(smaps)) {
            Matcher m = MAPPING.matcher(line);
            if (m.matches()) {
                start = Long.parseUnsignedLong(m.group(1), 16);
                file = m.group(3).trim();
                continue;
            }
            if (!line.startsWith("Rss:")) {
                continue;
            }
            long kib = Long.parseLong(line.replaceAll("\\D+", ""));
            total += kib;
            if (start >= heapFrom && start < heapTo) {
                heapRss += kib;
            } else if (file.endsWith(".jsa") || file.endsWith(".aot")) {
                archives += kib;
            } else if (file.endsWith("libjvm.so")) {
                jvm += kib;
            } else if (file.startsWith("/")) {
                files += kib;
            } else {
                anon += kib;
            }
        }
        MemoryBreakdown b = new MemoryBreakdown();
        b.parts.put("**RSS**", total);
        b.parts.put("Java heap (resident part of its range)", heapRss);
        b.parts.put("start-up archive (mapped file)", archives);
        b.parts.put("libjvm.so (mapped file)", jvm);
        b.parts.put("other libraries and the modules image", files);
        b.parts.put("other anonymous memory (native: see the JVM's accounting)", anon);
        Path nmt = out.resolve("w5m-" + label + "-nmt.txt");
        if (Files.exists(nmt)) {
            long malloc = 0;
            for (String line : Files.readAllLines(nmt)) {
                Matcher m = NMT.matcher(line.trim());
                if (!m.find()) {
                    continue;
                }
                long kib = Long.parseLong(m.group(2));
                switch (m.group(1)) {
                    case "Java Heap", "Shared class space" -> { }
                    case "Code" -> b.parts.put("– committed: JIT code cache", kib);
                    case "Other" -> b.parts.put("– committed: direct buffers (Netty's pool, the encoded table)", kib);
                    case "Thread" -> b.parts.put("– committed: thread stacks and thread data", kib);
                    case "Class" -> b.parts.merge("– committed: class metadata (metaspace)", kib, Long::sum);
                    case "Metaspace" -> b.parts.merge("– committed: class metadata (metaspace)", kib, Long::sum);
                    default -> malloc += kib;
                }
            }
            b.parts.put("– committed: the JVM's other native memory (symbols, compiler arenas, GC, tracking itself, …)", malloc);
        }
        return b;
    }

    /** Writes one table with a column per breakdown. */
    static void table(StringBuilder md, List<String> names, List<MemoryBreakdown> columns) {
        md.append("| part (KiB) |");
        names.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append("\n|---|");
        names.forEach(n -> md.append("---:|"));
        md.append('\n');
        for (String part : columns.get(0).parts.keySet()) {
            md.append("| ").append(part).append(" |");
            for (MemoryBreakdown c : columns) {
                Long v = c.parts.get(part);
                md.append(' ').append(v == null ? "—" : Fmt.num(v)).append(" |");
            }
            md.append('\n');
        }
    }
}
