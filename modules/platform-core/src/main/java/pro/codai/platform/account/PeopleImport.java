package pro.codai.platform.account;

import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.text.Utf8;

/**
 * People named in a CSV file, as the registrar exports them: a header naming the columns {@code
 * email} (required), {@code name}, {@code role} and {@code plan}, then one person per line. A
 * preview says line by line what applying would do, and which lines are wrong and why; applying
 * does it for every line that is right and skips the others. Someone already here gets the role and
 * plan named (as an administrator's choice, over the directory's); someone Keycloak knows (its own
 * account or the campus directory's) is added before their first sign-in; someone it does not is
 * given a new Keycloak account and, if asked, a mail to set its password.
 */
@ApplicationScoped
public class PeopleImport {

    /** Most people one file may name. */
    public static final int MAX_LINES = 2000;

    /** Most characters one file may hold. */
    public static final int MAX_CHARS = 1024 * 1024;

    /** The columns a file may have; {@code email} it must have. */
    public static final List<String> COLUMNS = List.of("email", "name", "role", "plan");

    /** Action recorded once per applied file, with what it did. */
    public static final String IMPORTED = "people.imported";

    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[^@\\s,;<>\"]+");

    @Inject UserProfiles profiles;
    @Inject KeycloakAccounts keycloak;
    @Inject AccessChanges access;
    @Inject AuditLog audit;

    /** What a line does (or, once applied, did). */
    public enum Change {
        /** Nobody has this address: a Keycloak account is made and the person added. */
        NEW_ACCOUNT,
        /** Keycloak has an account with this address: the person is added before signing in. */
        FROM_DIRECTORY,
        /** The person is here; their role or plan changes. */
        UPDATE,
        /** The person is here with this role and plan already. */
        NONE,
        /** The line is wrong, or what it asks cannot be done: it is skipped. */
        ERROR
    }

    /**
     * One line of the file: what it names (role and plan null when it leaves them out), what it
     * does and, in words, how (or what is wrong).
     */
    public record Line(
            int line,
            String email,
            String name,
            Role role,
            Plan plan,
            Change change,
            String detail) {}

    /** A preview ({@code applied} false) or what applying did, with how many lines did what. */
    public record Report(boolean applied, Map<Change, Integer> counts, List<Line> lines)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        public Report {
            counts = Collections.unmodifiableMap(new EnumMap<>(counts));
            lines = List.copyOf(lines);
        }

        static Report of(boolean applied, List<Line> lines) {
            Map<Change, Integer> counts = new EnumMap<>(Change.class);
            for (Change change : Change.values()) {
                counts.put(change, 0);
            }
            lines.forEach(line -> counts.merge(line.change(), 1, Integer::sum));
            return new Report(applied, counts, lines);
        }

        public int count(Change change) {
            return counts.getOrDefault(change, 0);
        }

        /** The counts in words, e.g. "2 new accounts, 0 added from the directory, …". */
        public String summary() {
            return count(Change.NEW_ACCOUNT)
                    + " new accounts, "
                    + count(Change.FROM_DIRECTORY)
                    + " added from the directory, "
                    + count(Change.UPDATE)
                    + " changed, "
                    + count(Change.NONE)
                    + " unchanged, "
                    + count(Change.ERROR)
                    + " lines skipped";
        }
    }

    /** The file as a whole cannot be read: nothing in it is looked at or applied. */
    public static class InvalidFileException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidFileException(String message) {
            super(message);
        }
    }

    /**
     * A file's text: UTF-8 (with or without a byte order mark), or else Windows-1252, as
     * spreadsheets on Windows save "CSV".
     */
    public static String decode(byte[] bytes) {
        try {
            return Utf8.strictly(bytes);
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    /** What applying the file would do, line by line; changes nothing. */
    public Report preview(String csv, String by) throws InvalidFileException {
        List<Line> lines = new ArrayList<>();
        for (Planned planned : plan(read(csv), by)) {
            lines.add(planned.line());
        }
        return Report.of(false, lines);
    }

    /**
     * Applies every line that is right, as {@link #preview} says at this moment (the people here
     * and in Keycloak are looked up again), and skips the others; {@code mailNewAccounts}: mail
     * each new account a link to set its password.
     */
    public Report apply(String csv, String by, boolean mailNewAccounts)
            throws InvalidFileException {
        List<Line> done = new ArrayList<>();
        for (Planned planned : plan(read(csv), by)) {
            done.add(applyLine(planned, by, mailNewAccounts));
        }
        access.look();
        Report report = Report.of(true, done);
        audit.record(by, IMPORTED, "people", report.summary());
        return report;
    }

    /** A line and what it needs to be applied: the person here, or Keycloak's account. */
    private record Planned(Line line, UserProfile profile, KeycloakAccounts.Account account) {}

    /**
     * Reads the file into lines, each either complete or an {@link Change#ERROR} saying what is
     * wrong with it (change null on the others: not looked up yet).
     */
    static List<Line> read(String csv) throws InvalidFileException {
        if (csv == null || csv.isBlank()) {
            throw new InvalidFileException("The file is empty.");
        }
        if (csv.length() > MAX_CHARS) {
            throw new InvalidFileException(
                    "The file is larger than " + (MAX_CHARS / 1024) + " KB; split it up.");
        }
        if (csv.indexOf('\0') >= 0) {
            throw new InvalidFileException("This is not a CSV text file.");
        }
        List<CsvRows.Row> rows;
        try {
            rows = CsvRows.parse(csv);
        } catch (CsvRows.MalformedException e) {
            throw new InvalidFileException("The file is not valid CSV: " + e.getMessage() + ".");
        }
        if (rows.isEmpty()) {
            throw new InvalidFileException("The file is empty.");
        }
        Map<String, Integer> columns = columns(rows.get(0));
        List<Line> lines = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (CsvRows.Row row : rows.subList(1, rows.size())) {
            // A spreadsheet's empty row (",,,"): skipped, as a blank line is.
            if (row.fields().stream().allMatch(String::isBlank)) {
                continue;
            }
            lines.add(readLine(row, columns, rows.get(0).fields().size(), seen));
        }
        if (lines.isEmpty()) {
            throw new InvalidFileException("The file names nobody: it has only the header line.");
        }
        if (lines.size() > MAX_LINES) {
            throw new InvalidFileException(
                    "The file names "
                            + lines.size()
                            + " people; at most "
                            + MAX_LINES
                            + " at a time.");
        }
        return lines;
    }

    /** The header: which field holds which column. */
    private static Map<String, Integer> columns(CsvRows.Row header) throws InvalidFileException {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                // A spreadsheet's empty column at the end: nothing to read there.
                continue;
            }
            if (name.equals("e-mail")) {
                name = "email";
            }
            if (!COLUMNS.contains(name)) {
                throw new InvalidFileException(
                        "The first line must name the columns; '"
                                + header.fields().get(i).strip()
                                + "' is not one of "
                                + String.join(", ", COLUMNS)
                                + ".");
            }
            if (columns.putIfAbsent(name, i) != null) {
                throw new InvalidFileException("The column '" + name + "' is named twice.");
            }
        }
        if (!columns.containsKey("email")) {
            throw new InvalidFileException(
                    "The first line must name the columns, among them 'email'.");
        }
        return columns;
    }

    private static Line readLine(
            CsvRows.Row row, Map<String, Integer> columns, int width, Map<String, Integer> seen) {
        String email = field(row, columns, "email");
        String name = field(row, columns, "name");
        String roleName = field(row, columns, "role");
        String planName = field(row, columns, "plan");
        if (row.fields().size() > width) {
            return error(
                    row,
                    email,
                    name,
                    row.fields().size()
                            + " fields, but the header names "
                            + width
                            + " columns (quote a field that holds a comma)");
        }
        if (email.isEmpty()) {
            return error(row, email, name, "no e-mail address");
        }
        if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
            return error(row, email, name, "'" + email + "' is not an e-mail address");
        }
        if (name.length() > 200) {
            return error(row, email, name, "the name is longer than 200 characters");
        }
        Role role = null;
        if (!roleName.isEmpty()) {
            try {
                role = Role.valueOf(roleName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return error(
                        row,
                        email,
                        name,
                        "role '" + roleName + "' is not STUDENT, INSTRUCTOR or ADMIN");
            }
        }
        Plan plan = null;
        if (!planName.isEmpty()) {
            try {
                plan = PeopleAdministration.assignablePlan(planName);
            } catch (IllegalArgumentException e) {
                return error(
                        row, email, name, "plan '" + planName + "' is not FREE, STUDENT or PRO");
            }
        }
        Integer earlier = seen.putIfAbsent(email.toLowerCase(Locale.ROOT), row.line());
        if (earlier != null) {
            return error(row, email, name, "the same address as line " + earlier);
        }
        return new Line(row.line(), email, name.isEmpty() ? null : name, role, plan, null, null);
    }

    private static String field(CsvRows.Row row, Map<String, Integer> columns, String column) {
        Integer index = columns.get(column);
        // Spreadsheets leave out empty fields at a line's end.
        return index == null || index >= row.fields().size() ? "" : row.fields().get(index).strip();
    }

    private static Line error(CsvRows.Row row, String email, String name, String why) {
        return new Line(
                row.line(),
                email,
                name == null || name.isEmpty() ? null : name,
                null,
                null,
                Change.ERROR,
                why);
    }

    /** What each line would do now: the people here looked up at once, the others in Keycloak. */
    private List<Planned> plan(List<Line> lines, String by) {
        Map<String, List<UserProfile>> here =
                profiles.findByEmails(
                        lines.stream()
                                .filter(line -> line.change() == null)
                                .map(Line::email)
                                .toList());
        List<Planned> planned = new ArrayList<>();
        for (Line line : lines) {
            if (line.change() != null) {
                planned.add(new Planned(line, null, null));
                continue;
            }
            List<UserProfile> found =
                    here.getOrDefault(line.email().toLowerCase(Locale.ROOT), List.of());
            if (found.size() > 1) {
                planned.add(
                        failed(
                                line,
                                found.size()
                                        + " people here have this address; change them from"
                                        + " their own pages"));
            } else if (found.size() == 1) {
                planned.add(planChange(line, found.get(0), by));
            } else {
                planned.add(planNewcomer(line));
            }
        }
        return planned;
    }

    /**
     * What a line does to someone here: the role and plan it names become an administrator's
     * choice, over the directory's, whether or not they hold that role or plan now.
     */
    private static Planned planChange(Line line, UserProfile profile, String by) {
        List<String> changes = new ArrayList<>();
        if (line.role() != null && line.role() != profile.getRoleOverride()) {
            if (profile.getSubject().equals(by) && line.role() != Role.ADMIN) {
                return failed(line, "you cannot take away your own administrator role");
            }
            changes.add(
                    line.role() == profile.getRole()
                            ? "role " + line.role() + ", now set here"
                            : "role " + profile.getRole() + " → " + line.role());
        }
        if (line.plan() != null && line.plan() != profile.getPlanOverride()) {
            changes.add(
                    line.plan() == profile.getPlan()
                            ? "plan " + line.plan() + ", now set here"
                            : "plan " + profile.getPlan() + " → " + line.plan());
        }
        Line planned =
                changes.isEmpty()
                        ? with(
                                line,
                                Change.NONE,
                                "already " + profile.getRole() + ", " + profile.getPlan())
                        : with(line, Change.UPDATE, String.join("; ", changes));
        return new Planned(planned, profile, null);
    }

    private Planned planNewcomer(Line line) {
        if (!keycloak.configured()) {
            return failed(
                    line,
                    "not here yet, and this server cannot look people up in Keycloak (it has no"
                            + " codaipro.people.client-secret)");
        }
        try {
            Optional<KeycloakAccounts.Account> account = keycloak.findByEmail(line.email());
            String becomes =
                    (line.role() != null ? line.role() : Role.STUDENT)
                            + (line.plan() != null ? ", " + line.plan() : "");
            if (account.isPresent()
                    && profiles.findBySubject(account.get().subject()).isPresent()) {
                return failed(
                        line,
                        "Keycloak's account with this address is here under another address;"
                                + " change them from their own page");
            }
            if (account.isPresent()) {
                return new Planned(
                        with(
                                line,
                                Change.FROM_DIRECTORY,
                                "has an account in Keycloak; added as " + becomes),
                        null,
                        account.get());
            }
            return new Planned(
                    with(
                            line,
                            Change.NEW_ACCOUNT,
                            "no account yet: one is made; added as " + becomes),
                    null,
                    null);
        } catch (KeycloakAccounts.KeycloakException e) {
            return failed(line, e.getMessage());
        }
    }

    private Line applyLine(Planned planned, String by, boolean mailNewAccounts) {
        Line line = planned.line();
        try {
            return switch (line.change()) {
                case ERROR, NONE -> line;
                case UPDATE -> {
                    String subject = planned.profile().getSubject();
                    if (line.role() != null && line.role() != planned.profile().getRoleOverride()) {
                        profiles.overrideRole(subject, line.role(), by);
                    }
                    if (line.plan() != null && line.plan() != planned.profile().getPlanOverride()) {
                        profiles.overridePlan(subject, line.plan(), by);
                    }
                    yield line;
                }
                case FROM_DIRECTORY -> {
                    KeycloakAccounts.Account account = planned.account();
                    if (profiles.findBySubject(account.subject()).isPresent()) {
                        // Here under another address than Keycloak's now: not this import's call.
                        yield with(
                                line,
                                Change.ERROR,
                                "Keycloak's account for this address is here under another address;"
                                        + " change them from their own page");
                    }
                    String name =
                            account.shownName().equals(account.email()) && line.name() != null
                                    ? line.name()
                                    : account.shownName();
                    profiles.register(
                            account.subject(),
                            line.email(),
                            name,
                            line.role(),
                            line.plan(),
                            by,
                            "imported");
                    yield line;
                }
                case NEW_ACCOUNT -> {
                    String name = line.name();
                    int space = name == null ? -1 : name.lastIndexOf(' ');
                    String subject =
                            keycloak.createAccount(
                                    line.email(),
                                    name == null
                                            ? null
                                            : space < 0 ? name : name.substring(0, space),
                                    space < 0 ? null : name.substring(space + 1));
                    profiles.register(
                            subject,
                            line.email(),
                            name != null ? name : line.email(),
                            line.role(),
                            line.plan(),
                            by,
                            "imported; account made in Keycloak");
                    if (!mailNewAccounts) {
                        yield line;
                    }
                    try {
                        keycloak.sendPasswordReset(subject);
                        yield with(
                                line,
                                Change.NEW_ACCOUNT,
                                line.detail() + "; mailed a link to set a password");
                    } catch (KeycloakAccounts.KeycloakException e) {
                        yield with(
                                line,
                                Change.NEW_ACCOUNT,
                                line.detail()
                                        + "; the mail to set a password was not sent ("
                                        + e.getMessage()
                                        + "): send a password reset from their page");
                    }
                }
            };
        } catch (KeycloakAccounts.KeycloakException | RuntimeException e) {
            return with(line, Change.ERROR, "not done: " + e.getMessage());
        }
    }

    private static Planned failed(Line line, String why) {
        return new Planned(with(line, Change.ERROR, why), null, null);
    }

    private static Line with(Line line, Change change, String detail) {
        return new Line(
                line.line(), line.email(), line.name(), line.role(), line.plan(), change, detail);
    }
}
