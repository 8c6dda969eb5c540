package dev.stationd.daemon.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's documentation as the docs tests see it: which files, their fenced code blocks
 * with the {@code <!-- docs-test: KIND ARGS -->} directives written right before them, their
 * headings (as GitHub anchors) and their links.
 *
 * <p>The documentation is {@code README.md}, every {@code docs/**}{@code /*.md}, and the READMEs
 * of {@code config/}, {@code src/} and {@code systemd/}. {@code bench/README.md} and
 * {@code bench/RESULTS.md} belong to the benchmark and are not in it.
 */
public final class Markdown {
    /** A directive: {@code <!-- docs-test: KIND ARGS -->}. */
    private static final Pattern DIRECTIVE = Pattern.compile("^<!--\\s*docs-test:\\s*(\\S+)\\s*(.*?)\\s*-->$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*).*$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->");

    private Markdown() {
    }

    /**
     * One {@code <!-- docs-test: KIND ARGS -->} line.
     *
     * @param kind what to do with the block ({@code skip}, {@code expect}, ...)
     * @param arg the rest of the line, trimmed ({@code ""} when none)
     */
    public record Directive(String kind, String arg) {
    }

    /**
     * A fenced code block.
     *
     * @param file the markdown file
     * @param line the line of the opening fence (1-based)
     * @param lang the info string's first word ({@code ""} when there is none)
     * @param text the block's content, each line ending with a newline
     * @param directives the directives written on the lines right before the fence
     */
    public record Block(Path file, int line, String lang, String text, List<Directive> directives) {
        /**
         * @param kind a directive kind
         * @return the argument of the first directive of that kind, or {@code null}
         */
        public String directive(String kind) {
            for (Directive d : directives) {
                if (d.kind().equals(kind)) {
                    return d.arg();
                }
            }
            return null;
        }

        /**
         * @param root the repository root
         * @return {@code FILE:LINE LANG}, for names and messages
         */
        public String where(Path root) {
            return root.relativize(file) + ":" + line + " " + (lang.isEmpty() ? "(no language)" : lang);
        }
    }

    /**
     * A link in the text (not in code).
     *
     * @param file the markdown file
     * @param line its line (1-based)
     * @param target what the link points to, as written
     */
    public record Link(Path file, int line, String target) {
    }

    /**
     * @param root the repository root
     * @return the documentation files, {@code README.md} first, then the others by path
     */
    public static List<Path> files(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> s = Files.walk(docs)) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String readme : List.of("config/README.md", "src/README.md", "systemd/README.md")) {
            if (Files.isRegularFile(root.resolve(readme))) {
                files.add(root.resolve(readme));
            }
        }
        return files;
    }

    /**
     * @param file a markdown file
     * @return its fenced code blocks, in order
     */
    public static List<Block> blocks(Path file) {
        List<String> lines = read(file);
        List<Block> blocks = new ArrayList<>();
        List<Directive> pending = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher d = DIRECTIVE.matcher(line.strip());
            Matcher f = FENCE.matcher(line);
            if (d.matches()) {
                pending.add(new Directive(d.group(1), d.group(2)));
            } else if (f.matches()) {
                String fence = f.group(1);
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).strip().equals(fence)) {
                    text.append(lines.get(j)).append('\n');
                    j++;
                }
                if (j == lines.size()) {
                    throw new AssertionError(file + ":" + (i + 1) + ": code block is never closed");
                }
                blocks.add(new Block(file, i + 1, f.group(2).toLowerCase(Locale.ROOT), text.toString(), List.copyOf(pending)));
                pending.clear();
                i = j;
            } else if (!line.isBlank()) {
                if (!pending.isEmpty()) {
                    throw new AssertionError(file + ":" + (i + 1) + ": a docs-test directive must come right before a code block");
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new AssertionError(file + ": a docs-test directive at the end of the file belongs to no code block");
        }
        return blocks;
    }

    /**
     * The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as hyphens,
     * {@code -1}, {@code -2} ... for repeats.
     *
     * @param file a markdown file
     * @return its heading anchors
     */
    public static Set<String> anchors(Path file) {
        List<String> lines = read(file);
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i : proseLines(lines)) {
            Matcher h = HEADING.matcher(lines.get(i));
            if (h.matches()) {
                String slug = slug(h.group(2));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        return anchors;
    }

    /**
     * @param heading a heading's text
     * @return its GitHub anchor
     */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                sb.appendCodePoint(c);
            } else if (c == ' ') {
                sb.append('-');
            }
        });
        return sb.toString();
    }

    /**
     * @param file a markdown file
     * @return its links, outside code blocks and inline code
     */
    public static List<Link> links(Path file) {
        List<String> lines = read(file);
        List<Link> links = new ArrayList<>();
        for (int i : proseLines(lines)) {
            String text = HTML_COMMENT.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll("")).replaceAll("");
            Matcher l = LINK.matcher(text);
            while (l.find()) {
                links.add(new Link(file, i + 1, l.group(1)));
            }
        }
        return links;
    }

    /** @return the indices of the lines outside fenced code blocks */
    private static List<Integer> proseLines(List<String> lines) {
        List<Integer> out = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher f = FENCE.matcher(lines.get(i));
            if (fence != null) {
                if (lines.get(i).strip().equals(fence)) {
                    fence = null;
                }
            } else if (f.matches()) {
                fence = f.group(1);
            } else {
                out.add(i);
            }
        }
        return out;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
