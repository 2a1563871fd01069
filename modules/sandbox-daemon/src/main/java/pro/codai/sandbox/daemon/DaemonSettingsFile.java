package pro.codai.sandbox.daemon;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Reads sandboxd's settings file strictly: UTF-8 text in {@link Properties} format, refused with
 * the line at fault when it is not (a malformed {@code \}{@code uXXXX} escape, bytes that are not
 * UTF-8), and refused when anyone but its owner may change it, since sandboxd runs as root. The
 * server's launcher reads its own settings file by the same rules ({@code
 * pro.codai.platform.config.SettingsFile}, in a module sandboxd does not depend on).
 */
final class DaemonSettingsFile {

    private DaemonSettingsFile() {}

    /**
     * The file's properties; empty when there is no file.
     *
     * @throws IllegalArgumentException naming the file (and line) when it cannot be used
     */
    static Properties read(Path file) {
        List<String> lines = lines(file);
        if (lines == null) {
            return new Properties();
        }
        checkPermissions(file);
        try {
            return load(lines, lines.size());
        } catch (IllegalArgumentException e) {
            // Properties names no line: find the first one that makes it fail.
            int line = 1;
            while (line < lines.size() && loads(lines, line)) {
                line++;
            }
            throw new IllegalArgumentException(
                    "settings file "
                            + file
                            + ", line "
                            + line
                            + ": malformed \\uXXXX escape (a backslash and u need four"
                            + " hexadecimal digits after them; write \\\\ for a backslash)");
        }
    }

    /** The line on which {@code key} is set, or 0. */
    static int lineOf(Path file, String key) {
        List<String> lines = lines(file);
        for (int line = 1; lines != null && line <= lines.size(); line++) {
            if (loads(lines, line) && load(lines, line).containsKey(key)) {
                return line;
            }
        }
        return 0;
    }

    /** sandboxd runs as root: a file others or the group may change would hand them root. */
    private static void checkPermissions(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_WRITE)
                    || permissions.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new IllegalArgumentException(
                        "settings file "
                                + file
                                + ": users other than its owner may change it; run: chmod 0644 "
                                + file);
            }
            String owner = Files.getOwner(file).getName();
            if (!owner.equals(System.getProperty("user.name"))) {
                throw new IllegalArgumentException(
                        "settings file "
                                + file
                                + ": it belongs to "
                                + owner
                                + ", who could change it; run: chown root: "
                                + file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    /** The known name fewest edits away (insert, delete, replace, swap two neighbours). */
    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int[][] d = new int[name.length() + 1][candidate.length() + 1];
            for (int i = 0; i <= name.length(); i++) {
                for (int j = 0; j <= candidate.length(); j++) {
                    if (i == 0 || j == 0) {
                        d[i][j] = i + j;
                        continue;
                    }
                    int cost = name.charAt(i - 1) == candidate.charAt(j - 1) ? 0 : 1;
                    d[i][j] =
                            Math.min(
                                    Math.min(d[i - 1][j], d[i][j - 1]) + 1, d[i - 1][j - 1] + cost);
                    if (i > 1
                            && j > 1
                            && name.charAt(i - 1) == candidate.charAt(j - 2)
                            && name.charAt(i - 2) == candidate.charAt(j - 1)) {
                        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                    }
                }
            }
            if (d[name.length()][candidate.length()] < bestDistance) {
                best = candidate;
                bestDistance = d[name.length()][candidate.length()];
            }
        }
        return best;
    }

    private static List<String> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings file " + file, e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                try {
                    lines.add(
                            StandardCharsets.UTF_8
                                    .newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                                    .decode(ByteBuffer.wrap(bytes, start, i - start))
                                    .toString());
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException(
                            "settings file "
                                    + file
                                    + ", line "
                                    + (lines.size() + 1)
                                    + ": is not UTF-8 text (save the file as UTF-8)");
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static boolean loads(List<String> lines, int count) {
        try {
            load(lines, count);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Properties load(List<String> lines, int count) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(String.join("\n", lines.subList(0, count))));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return properties;
    }
}
