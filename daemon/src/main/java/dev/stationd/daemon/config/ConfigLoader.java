package dev.stationd.daemon.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the daemon's YAML configuration file into a {@link StationdConfig}.
 *
 * <p>Every problem is collected and reported together in a {@link ConfigException}, one line per
 * problem, as {@code FILE:LINE:COLUMN: message}: YAML syntax errors, unknown and duplicate keys,
 * values of the wrong type, values out of range, unknown user and group names. An empty file, or
 * one holding only comments, gives {@link StationdConfig#defaults()} (with the file as source).
 * Relative paths are resolved against the directory of the file.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads {@code file}, resolving user and group names with {@link IdResolver#system()}. */
    public static StationdConfig load(Path file) throws ConfigException {
        return load(file, IdResolver.system());
    }

    /**
     * Loads {@code file}.
     *
     * @param file the YAML file; also used, as given, as {@code FILE} in error messages
     * @param ids resolves user and group names in {@code access:} and {@code socket_group}
     * @throws ConfigException if the file cannot be read or is not a valid configuration
     */
    public static StationdConfig load(Path file, IdResolver ids) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(ids, "ids");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + reason(e));
        }
        return parse(decode(bytes, file), file, ids);
    }

    /**
     * Parses configuration text that was read from {@code source}.
     *
     * @param yaml the file's content
     * @param source the file name for messages; relative paths resolve against its directory
     * @param ids resolves user and group names
     * @throws ConfigException if the text is not a valid configuration
     */
    public static StationdConfig parse(String yaml, Path source, IdResolver ids) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ids, "ids");
        Problems problems = new Problems(source.toString());
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        Node document;
        try {
            // Only the node tree is needed (marks give line and column): compose directly, without
            // the object constructor and representer stack of `new Yaml()` (start-up time).
            LoaderOptions options = loaderOptions();
            document = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                    new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            syntaxError(e, problems);
            throw new ConfigException(problems.messages());
        } catch (ReaderException e) {
            int[] lineColumn = lineColumn(text, e.getPosition());
            problems.atLine(lineColumn[0], lineColumn[1],
                    String.format("character U+%04X is not allowed in YAML", e.getCodePoint()));
            throw new ConfigException(problems.messages());
        } catch (YAMLException e) {
            problems.file("invalid YAML: " + oneLine(e.getMessage()));
            throw new ConfigException(problems.messages());
        }
        Path absolute = source.toAbsolutePath();
        Path baseDir = absolute.getParent() != null ? absolute.getParent() : absolute;
        return new ConfigBinder(problems, baseDir, ids).bind(document, source);
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(false);
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1024 * 1024);
        return options;
    }

    private static void syntaxError(MarkedYAMLException e, Problems problems) {
        Mark problemMark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = oneLine(e.getProblem());
        String context = oneLine(e.getContext());
        String message;
        if (context.isEmpty()) {
            message = problem;
        } else if (problem.isEmpty()) {
            message = context;
        } else {
            Mark contextMark = e.getContextMark();
            if (contextMark != null && problemMark != null && contextMark.getLine() != problemMark.getLine()) {
                context += " (line " + (contextMark.getLine() + 1) + ")";
            }
            message = context + (problem.startsWith("but ") ? ", " : ": ") + problem;
        }
        if (problemMark == null) {
            problems.file("invalid YAML: " + message);
        } else {
            problems.at(problemMark, message);
        }
    }

    private static String decode(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(file + ":" + line + ":" + (in.position() - lineStart + 1)
                    + ": the file is not valid UTF-8 text");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** @return 1-based line and column of the code point at {@code position} */
    private static int[] lineColumn(String text, int position) {
        int line = 1;
        int column = 1;
        int index = 0;
        for (int i = 0; i < text.length() && index < position; i += Character.charCount(text.codePointAt(i)), index++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return oneLine(fse.getReason());
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : oneLine(message);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
