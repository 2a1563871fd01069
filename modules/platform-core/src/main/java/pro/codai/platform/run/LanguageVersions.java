package pro.codai.platform.run;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The version of each language, as the sandbox image has it: asked once of a sandbox, then
 * remembered. A language whose probe prints nothing is not in the image (Pascal and Octave are
 * optional) and is left out, as Jobe leaves out a language whose version command fails. Until a
 * sandbox answers, every language is listed with version {@code unknown}.
 */
@ApplicationScoped
public class LanguageVersions {

    private static final Logger LOG = Logger.getLogger(LanguageVersions.class.getName());

    static final String PROBE =
            String.join(
                    "\n",
                    "echo \"python3 $(python3 -c 'import platform; print(platform.python_version())')\"",
                    "echo \"c $(gcc -dumpfullversion)\"",
                    "echo \"cpp $(g++ -dumpfullversion)\"",
                    "echo \"java $(java -version 2>&1 | sed -n 's/.*version \"\\([^\"]*\\)\".*/\\1/p')\"",
                    "echo \"nodejs $(node --version | sed 's/^v//')\"",
                    "echo \"php $(php --version 2>/dev/null | sed -n 's/^PHP \\([0-9._]*\\).*/\\1/p')\"",
                    "echo \"pascal $(fpc -iV 2>/dev/null)\"",
                    "echo \"octave $(octave --version --norc --no-window-system --silent 2>/dev/null"
                            + " | sed -n 's/.*GNU Octave, version \\([0-9._]*\\).*/\\1/p')\"");

    @Inject SandboxConnectionFactory sandboxes;

    private volatile Map<Language, String> known;

    /** Every language the image has, with its version, in declaration order. */
    public Map<Language, String> all() {
        Map<Language, String> versions = known;
        if (versions == null) {
            versions = probe();
        }
        return versions;
    }

    /**
     * Whether the image has the language: false only once a sandbox has answered without it. Each
     * application asks the image once, at its first run or languages list; while no sandbox has
     * answered (sandboxd down), every language is offered and the question is asked again.
     */
    public boolean offers(Language language) {
        if (known == null) {
            all(); // the first run asks the image once; a probe that fails is tried again later
        }
        Map<Language, String> versions = known;
        return versions == null || versions.containsKey(language);
    }

    private synchronized Map<Language, String> probe() {
        if (known != null) {
            return known;
        }
        Map<Language, String> versions = new EnumMap<>(Language.class);
        try (SandboxConnection connection = sandboxes.getConnection()) {
            String sandbox = connection.acquire(sandboxes.defaultSpec());
            try {
                ExecResult result =
                        connection.exec(
                                sandbox,
                                ExecRequest.of("/bin/sh", "-c", PROBE)
                                        .withTimes(Duration.ofSeconds(20), Duration.ofSeconds(30)));
                for (String line : result.stdoutText().lines().toList()) {
                    List<String> parts = List.of(line.split(" ", 2));
                    if (parts.size() == 2 && !parts.get(1).isBlank()) {
                        Language.byId(parts.get(0))
                                .ifPresent(language -> versions.put(language, parts.get(1)));
                    }
                }
            } finally {
                connection.destroy(sandbox);
            }
        } catch (SandboxConnectorException e) {
            LOG.log(Level.WARNING, "could not ask a sandbox for language versions", e);
            return unknown(); // not remembered: asked again next time
        }
        if (versions.isEmpty()) {
            LOG.warning("the sandbox answered no language version; asking again next time");
            return unknown();
        }
        known = java.util.Collections.unmodifiableMap(versions);
        return versions;
    }

    private static Map<Language, String> unknown() {
        Map<Language, String> versions = new EnumMap<>(Language.class);
        for (Language language : Language.values()) {
            versions.put(language, "unknown");
        }
        return versions;
    }
}
