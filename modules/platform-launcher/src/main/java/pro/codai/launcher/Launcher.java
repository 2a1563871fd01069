package pro.codai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Entry point of the {@code codaipro-server} script: checks the settings and writes the plan the
 * script then {@code exec}s, so the server process replaces the script (signals reach it directly,
 * as systemd expects).
 *
 * <pre>
 * java -cp 'lib/launcher/*:lib/jdbc/*' pro.codai.launcher.Launcher prepare SERVER_HOME JAVA
 * </pre>
 *
 * <p>Prints the run directory holding the plan. Exits 78 (EX_CONFIG) with one line naming the
 * setting (or the settings file's line, or the environment variable) when a setting is wrong; 69
 * (EX_UNAVAILABLE) with such a line when what a setting names cannot be reached yet (the database
 * at boot: the systemd unit restarts on 69, never on 78); 64 (EX_USAGE) on a wrong invocation, 70
 * (EX_SOFTWARE) with one line on a fault of its own.
 */
public final class Launcher {

    static final int EXIT_USAGE = 64;
    static final int EXIT_UNAVAILABLE = 69;
    static final int EXIT_CONFIG = 78;
    static final int EXIT_IO = 74;
    static final int EXIT_SOFTWARE = 70;

    private Launcher() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length != 3 || !"prepare".equals(args[0])) {
            System.err.println("usage: Launcher prepare SERVER_HOME JAVA");
            return EXIT_USAGE;
        }
        Path serverHome = Path.of(args[1]).toAbsolutePath().normalize();
        try {
            Settings settings = Settings.load(System.getenv(), System.getProperties());
            Preflight.check(settings);
            ServerPlan plan = ServerPlan.create(settings, serverHome, args[2]);
            Path runDir = settings.dataDir().resolve("run");
            plan.writeTo(runDir, settings.dataDir().resolve("payara"));
            System.out.println(runDir);
            return 0;
        } catch (SettingException e) {
            System.err.println(e.operatorMessage());
            return e.unavailable() ? EXIT_UNAVAILABLE : EXIT_CONFIG;
        } catch (UncheckedIOException e) {
            System.err.println(
                    "codaipro: cannot start: " + e.getMessage() + " (" + e.getCause() + ")");
            return EXIT_CONFIG;
        } catch (IOException e) {
            System.err.println("codaipro: cannot start: cannot write the server plan: " + e);
            return EXIT_IO;
        } catch (RuntimeException e) {
            // A fault of the launcher itself: still one line, and not the exit status of a setting.
            System.err.println("codaipro: cannot start: the launcher failed: " + e);
            return EXIT_SOFTWARE;
        }
    }
}
