package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import pro.codai.platform.account.Plan;

/**
 * Keeps the catalogue ({@link Setting}) in step with everything else that names a setting: the
 * configuration reference, the code of the WARs that reads settings, the example settings file, and
 * the scripts that set {@code CODAIPRO_*} variables.
 */
class SettingCatalogueTest {

    static final Path REPOSITORY = Path.of("../..");

    static final Path REFERENCE = REPOSITORY.resolve("docs/reference/configuration.md");

    /**
     * {@code codaipro.*} strings in the application that are not settings: system properties the
     * launcher or asadmin set, session attributes, build information, the settings file's own name.
     */
    static final Set<String> NOT_SETTINGS =
            Set.of(
                    "codaipro.config.file",
                    "codaipro.deployment.complete",
                    "codaipro.deployment.expected",
                    "codaipro.deployed.",
                    "codaipro.version",
                    "codaipro.build.commit",
                    "codaipro.build.time",
                    "codaipro.terminal",
                    "codaipro.http-session",
                    "codaipro.last-heard",
                    "codaipro.signed-in-at",
                    "codaipro.closing");

    /**
     * Settings the launcher resolves and passes to the server itself, so the application's own
     * fallback never applies on Payara Micro.
     */
    static final Set<Setting> RESOLVED_BY_THE_LAUNCHER = Set.of(Setting.PUBLIC_URL);

    private static final Pattern KEY_LITERAL = Pattern.compile("\"(codaipro\\.[a-z0-9.-]*)");

    private static final Pattern CONFIG_PROPERTY =
            Pattern.compile(
                    "@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\""
                            + "(?:\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]*)\")?\\s*\\)");

    private static final Pattern VARIABLE = Pattern.compile("\\bCODAIPRO_[A-Z0-9_]*[A-Z0-9]");

    @Test
    void everySettingIsInTheReferenceWithItsVariableAndDefaultAndNothingElseIs() throws Exception {
        Map<String, String[]> rows = referenceRows();

        assertThat(rows.keySet())
                .as("the settings docs/reference/configuration.md lists")
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Setting.values()).map(Setting::key).toList());
        for (Setting setting : Setting.values()) {
            String[] row = rows.get(setting.key());
            assertThat(row[1].strip())
                    .as("variable of %s", setting.key())
                    .isEqualTo("`" + setting.environmentVariable() + "`");
            String defaultCell = row[2].strip();
            if (setting.defaultValue().isEmpty()) {
                assertThat(defaultCell).as("default of %s", setting.key()).startsWith("*(empty");
            } else {
                assertThat(defaultCell)
                        .as("default of %s", setting.key())
                        .isEqualTo("`" + setting.defaultValue() + "`");
            }
        }
    }

    @Test
    void everyOtherCodaiproVariableIsDocumented() throws Exception {
        String reference = Files.readString(REFERENCE);

        for (String variable : Settings.OTHER_VARIABLES.keySet()) {
            assertThat(reference)
                    .as("docs/reference/configuration.md documents %s", variable)
                    .contains("`" + variable + "`");
        }
    }

    @Test
    void everyDefaultPassesItsOwnCheck() {
        for (Setting setting : Setting.values()) {
            if (setting == Setting.OIDC_CLIENT_SECRET) {
                continue; // required: no default
            }
            assertThat(setting.format().problem(setting.defaultValue()))
                    .as("the default of %s", setting.key())
                    .isNull();
        }
    }

    @Test
    void keysAndVariablesAreUniqueAndSecretsAreMarked() {
        assertThat(Arrays.stream(Setting.values()).map(Setting::environmentVariable).distinct())
                .hasSize(Setting.values().length);
        assertThat(Arrays.stream(Setting.values()).filter(Setting::isSecret))
                .containsExactlyInAnyOrder(
                        Setting.DB_PASSWORD,
                        Setting.OIDC_CLIENT_SECRET,
                        Setting.ADMIN_TOKEN,
                        Setting.SETUP_CLIENT_SECRET,
                        Setting.PEOPLE_CLIENT_SECRET);
    }

    /**
     * Every {@code codaipro.*} key the WARs' code names is in the catalogue, with the same default
     * where the code gives one; a per-plan key ({@code "codaipro.quota.x." + plan}) exists for
     * every plan.
     */
    @Test
    void theApplicationReadsNoSettingTheCatalogueLacksNorWithAnotherDefault() throws Exception {
        Map<String, Setting> byKey = new HashMap<>();
        for (Setting setting : Setting.values()) {
            byKey.put(setting.key(), setting);
        }
        Map<Path, String> sources = applicationSources();
        assertThat(sources).as("the WARs' sources").hasSizeGreaterThan(50);

        Set<String> unknown = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (Map.Entry<Path, String> source : sources.entrySet()) {
            Matcher literal = KEY_LITERAL.matcher(source.getValue());
            while (literal.find()) {
                String key = literal.group(1);
                if (NOT_SETTINGS.contains(key)) {
                    continue;
                }
                if (key.endsWith(".")) {
                    for (Plan plan : Plan.values()) {
                        String perPlan = key + plan.name().toLowerCase(Locale.ROOT);
                        if (!byKey.containsKey(perPlan)) {
                            unknown.add(perPlan + " (" + source.getKey() + ")");
                        }
                        seen.add(perPlan);
                    }
                } else if (!byKey.containsKey(key)) {
                    unknown.add(key + " (" + source.getKey() + ")");
                } else {
                    seen.add(key);
                }
            }
            String flat = source.getValue().replaceAll("\\s+", " ");
            Matcher property = CONFIG_PROPERTY.matcher(flat);
            while (property.find()) {
                Setting setting = byKey.get(property.group(1));
                if (setting == null || RESOLVED_BY_THE_LAUNCHER.contains(setting)) {
                    continue;
                }
                String codeDefault = property.group(2) == null ? "" : property.group(2);
                assertThat(codeDefault)
                        .as("default of %s in %s", setting.key(), source.getKey())
                        .isEqualTo(setting.defaultValue());
            }
        }

        assertThat(unknown)
                .as(
                        "codaipro.* keys the application reads that Setting lacks (add them there"
                                + " and to docs/reference/configuration.md, or to NOT_SETTINGS if"
                                + " they are not settings)")
                .isEmpty();
        assertThat(seen)
                .as("the test finds the settings the application reads")
                .contains(
                        Setting.JOBE_REQUIRE_API_KEY.key(),
                        Setting.ADMIN_TOKEN.key(),
                        Setting.QUOTA_TRY_NOW_CAMPUS.key());
    }

    @Test
    void theExampleSettingsFileNamesOnlySettings() throws Exception {
        String example = Files.readString(Path.of("src/main/dist/etc/codaipro.properties"));
        Matcher key = Pattern.compile("(?m)^#? ?(codaipro\\.[a-z0-9.-]+)=").matcher(example);
        Set<String> keys = new TreeSet<>();
        while (key.find()) {
            keys.add(key.group(1));
        }

        assertThat(keys).isNotEmpty();
        assertThat(Arrays.stream(Setting.values()).map(Setting::key).toList()).containsAll(keys);
    }

    /**
     * The scripts, unit files, the realm export and the docs name only {@code CODAIPRO_*} variables
     * the launcher knows, so none of them makes the server refuse to start.
     */
    @Test
    void everyCodaiproVariableTheProductNamesIsKnown() throws Exception {
        Set<String> known = new TreeSet<>(Settings.OTHER_VARIABLES.keySet());
        Arrays.stream(Setting.values()).map(Setting::environmentVariable).forEach(known::add);
        Set<String> unknown = new TreeSet<>();
        List<Path> roots =
                List.of(
                        REPOSITORY.resolve("appliance"),
                        REPOSITORY.resolve("docs"),
                        REPOSITORY.resolve("ansible"),
                        REPOSITORY.resolve("modules/identity-keycloak/src/main"),
                        REPOSITORY.resolve("modules/platform-launcher/src/main/dist"));
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text;
                    try {
                        text = Files.readString(file);
                    } catch (IOException e) {
                        continue; // not text
                    }
                    Matcher variable = VARIABLE.matcher(text);
                    while (variable.find()) {
                        if (!known.contains(variable.group())) {
                            unknown.add(variable.group() + " (" + file + ")");
                        }
                    }
                }
            }
        }

        assertThat(unknown).isEmpty();
    }

    /** The table rows of the reference whose first cell is a {@code codaipro.*} key. */
    static Map<String, String[]> referenceRows() throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("| `codaipro.")) {
                String[] cells = line.substring(1).split("\\|");
                String key = cells[0].strip().replace("`", "");
                assertThat(rows.put(key, cells)).as("%s listed once", key).isNull();
            }
        }
        return rows;
    }

    /** Java sources of every module but the launcher (the catalogue itself). */
    static Map<Path, String> applicationSources() throws IOException {
        Map<Path, String> sources = new LinkedHashMap<>();
        try (Stream<Path> modules = Files.list(REPOSITORY.resolve("modules"))) {
            for (Path module :
                    modules.filter(m -> !m.endsWith("platform-launcher"))
                            .collect(Collectors.toList())) {
                Path main = module.resolve("src/main/java");
                if (!Files.isDirectory(main)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        sources.put(file, Files.readString(file));
                    }
                }
            }
        }
        return sources;
    }
}
