package dev.stationd.daemon;

import dev.stationd.daemon.config.ConfigException;
import dev.stationd.daemon.config.ConfigLoader;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.logging.LogSetup;
import dev.stationd.daemon.logging.StationdLoggingProvider;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.Reporter;

/**
 * Command line: {@code stationd [--config FILE | -c FILE] [--check-config] [--exit-after-start] [--version] [--help]}.
 * Exit codes follow sysexits: 0 ok, 64 usage, 70 internal error, 78 configuration error.
 */
public final class Main {
    /** Default configuration file. */
    public static final Path DEFAULT_CONFIG = Path.of("/etc/stationd/stationd.yaml");
    /** sysexits EX_USAGE. */
    public static final int EX_USAGE = 64;
    /** sysexits EX_SOFTWARE. */
    public static final int EX_SOFTWARE = 70;
    /** sysexits EX_CONFIG. */
    public static final int EX_CONFIG = 78;

    private Main() {
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        useOwnLoggingProvider();
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (Throwable t) { // never leave the process running without its main thread
            t.printStackTrace();
            code = EX_SOFTWARE;
        }
        System.exit(code);
    }

    /**
     * Names the daemon's slf4j backend explicitly (unless the command line does), so slf4j does not
     * look it up with a {@code ServiceLoader} scan of the module image and the jar (about 20 ms of
     * start-up), and keeps slf4j's own note about that choice off stderr.
     */
    static void useOwnLoggingProvider() {
        if (System.getProperty(LoggerFactory.PROVIDER_PROPERTY_KEY) == null) {
            System.setProperty(LoggerFactory.PROVIDER_PROPERTY_KEY, StationdLoggingProvider.class.getName());
            if (System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY) == null) {
                System.setProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY, "WARN");
            }
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = DEFAULT_CONFIG;
        boolean check = false;
        boolean exitAfterStart = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c":
                case "--config":
                    if (i + 1 >= args.length) {
                        err.println("stationd: " + args[i] + " needs a FILE argument");
                        return EX_USAGE;
                    }
                    config = Path.of(args[++i]);
                    break;
                case "--check-config":
                    check = true;
                    break;
                case "--exit-after-start":
                    exitAfterStart = true;
                    break;
                case "--version":
                    out.println("stationd " + Version.get());
                    return 0;
                case "-h":
                case "--help":
                    out.println("usage: stationd [--config FILE] [--check-config] [--version]");
                    out.println("  -c, --config FILE   configuration file (default " + DEFAULT_CONFIG + ")");
                    out.println("  --check-config      validate the configuration, print it with defaults, exit");
                    out.println("  --exit-after-start  start completely, answer one request to itself, stop (exit 0);");
                    out.println("                      used to build the class-data sharing archive");
                    out.println("  --version           print the version and exit");
                    return 0;
                default:
                    if (args[i].startsWith("--config=")) {
                        config = Path.of(args[i].substring("--config=".length()));
                        break;
                    }
                    err.println("stationd: unknown argument: " + args[i] + " (try --help)");
                    return EX_USAGE;
            }
        }
        StationdConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            for (String line : e.errors()) {
                err.println(line);
            }
            err.println("stationd: configuration " + config + " is invalid");
            return EX_CONFIG;
        }
        if (check) {
            out.print(cfg.toYaml());
            return 0;
        }
        LogSetup.init(cfg.log().level());
        Daemon daemon = new Daemon(cfg);
        return (exitAfterStart ? daemon.exitAfterStart() : daemon).runUntilSignalled();
    }
}
