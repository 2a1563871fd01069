package pro.codai.portal.admin;

import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;
import pro.codai.platform.audit.AuditRetention;
import pro.codai.portal.account.CurrentAccount;

/**
 * The audit log viewer ({@code /admin/audit.xhtml}): a search by person, action, target and days
 * (in the viewer's own time zone), newest first, page by page from the database; and its CSV export
 * ({@link AuditExportServlet}) with the same search.
 */
@Named
@ViewScoped
public class AuditPage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient AuditLog auditLog;
    @Inject transient AuditRetention retention;
    @Inject transient UserProfiles profiles;
    @Inject transient CurrentAccount account;

    /** The retention typed in its form (days; 0: for ever). */
    private String retentionDays;

    private String person;
    private String action;
    private String target;
    private String fromDay;
    private String toDay;
    private String zone;

    private AuditQuery applied = AuditQuery.EVERYTHING;
    private List<String> actions;
    private final Events events = new Events();

    @PostConstruct
    void start() {
        actions = auditLog.actions();
        // A link from elsewhere in the console (a person's audit trail) names the person.
        String asked =
                FacesContext.getCurrentInstance()
                        .getExternalContext()
                        .getRequestParameterMap()
                        .get("person");
        if (asked != null && !asked.isBlank()) {
            person = asked;
            search();
        }
    }

    /** The retention as the page shows it; read once per view, and again after a save. */
    private AuditRetention.Retention retentionNow;

    /** The retention as it is now (who set it and when; both null while never set). */
    public AuditRetention.Retention getRetention() {
        if (retentionNow == null) {
            retentionNow = retention.retention();
        }
        return retentionNow;
    }

    /** How long events are kept now, in words. */
    public String getRetentionText() {
        int days = getRetention().days();
        return days == 0
                ? "Events are kept for ever."
                : "Events older than " + days + " days are removed, hourly.";
    }

    /** Who set the retention: their name and address, or who the log names. */
    public String getRetentionSetBy() {
        String by = getRetention().setBy();
        return by == null
                ? null
                : profiles.findBySubject(by)
                        .map(p -> p.getDisplayName() + " <" + p.getEmail() + ">")
                        .orElse(by);
    }

    public String getRetentionDays() {
        if (retentionDays == null) {
            retentionDays = Integer.toString(getRetention().days());
        }
        return retentionDays;
    }

    public void setRetentionDays(String retentionDays) {
        this.retentionDays = retentionDays;
    }

    /** Saves the retention typed; a value out of bounds is refused with a message. */
    public void saveRetention() {
        FacesContext context = FacesContext.getCurrentInstance();
        int days;
        try {
            days = Integer.parseInt(retentionDays == null ? "" : retentionDays.strip());
        } catch (NumberFormatException e) {
            context.addMessage(
                    "retention:days",
                    new FacesMessage(
                            FacesMessage.SEVERITY_ERROR,
                            "Type a whole number of days: 0 keeps events for ever.",
                            null));
            return;
        }
        try {
            boolean changed = retention.set(days, account.subject());
            retentionNow = null;
            context.addMessage(
                    null,
                    new FacesMessage(
                            FacesMessage.SEVERITY_INFO,
                            changed ? "Saved. " + getRetentionText() : "It was so already.",
                            null));
        } catch (IllegalArgumentException e) {
            String why = e.getMessage();
            context.addMessage(
                    "retention:days",
                    new FacesMessage(
                            FacesMessage.SEVERITY_ERROR,
                            Character.toUpperCase(why.charAt(0)) + why.substring(1) + ".",
                            null));
        }
    }

    /** Applies the form's search; a search that cannot be read is refused with a message. */
    public void search() {
        try {
            ZoneId viewerZone = viewerZone(zone);
            applied =
                    new AuditQuery(
                            person,
                            action,
                            target,
                            startOf("From", fromDay, viewerZone, 0),
                            startOf("To", toDay, viewerZone, 1));
        } catch (IllegalArgumentException e) {
            FacesContext.getCurrentInstance()
                    .addMessage(
                            null, new FacesMessage(FacesMessage.SEVERITY_ERROR, message(e), null));
            FacesContext.getCurrentInstance().validationFailed();
        }
    }

    public void clear() {
        person = null;
        action = null;
        target = null;
        fromDay = null;
        toDay = null;
        applied = AuditQuery.EVERYTHING;
    }

    /** The export of what the table shows: {@code audit.csv} with the search applied. */
    public String getExportUrl() {
        Map<String, String> parameters = new LinkedHashMap<>();
        put(parameters, "person", applied.person());
        put(parameters, "action", applied.action());
        put(parameters, "target", applied.target());
        put(parameters, "from", applied.from() == null ? null : applied.from().toString());
        put(parameters, "to", applied.to() == null ? null : applied.to().toString());
        String query =
                parameters.entrySet().stream()
                        .map(
                                p ->
                                        p.getKey()
                                                + "="
                                                + URLEncoder.encode(
                                                        p.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        return FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath()
                + "/admin/audit.csv"
                + (query.isEmpty() ? "" : "?" + query);
    }

    private static void put(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }

    /**
     * The start of a day the viewer chose, in their zone, plus {@code days} (the last day of a
     * range is included: its end is the next day's start).
     */
    static Instant startOf(String field, String day, ZoneId zone, int days) {
        if (day == null || day.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(day.strip()).plusDays(days).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a date such as 2026-12-01.");
        }
    }

    /** The zone the viewer's browser reported; UTC when it reported none or one unknown here. */
    static ZoneId viewerZone(String zone) {
        if (zone == null || zone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static String message(IllegalArgumentException e) {
        String text = e.getMessage();
        if (text.equals("from must be before to")) {
            return "The first day must not come after the last day.";
        }
        String sentence = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return sentence.endsWith(".") ? sentence : sentence + ".";
    }

    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * A time as shown before the page's script puts it in the viewer's zone (and to a viewer
     * without scripts).
     */
    public String utc(Instant time) {
        return inUtc(time);
    }

    static String inUtc(Instant time) {
        return UTC_TIME.format(time);
    }

    public LazyDataModel<AuditEntry> getEvents() {
        return events;
    }

    public List<String> getActions() {
        return actions;
    }

    /** The events of the applied search, a page at a time. */
    private final class Events extends LazyDataModel<AuditEntry> {

        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) Math.min(Integer.MAX_VALUE, auditLog.count(applied));
        }

        @Override
        public List<AuditEntry> load(
                int first,
                int pageSize,
                Map<String, SortMeta> sortBy,
                Map<String, FilterMeta> filterBy) {
            return auditLog.search(applied, first, pageSize);
        }

        @Override
        public String getRowKey(AuditEntry entry) {
            return Long.toString(entry.id());
        }

        @Override
        public AuditEntry getRowData(String rowKey) {
            return null; // rows are not selectable
        }
    }

    public String getPerson() {
        return person;
    }

    public void setPerson(String person) {
        this.person = person;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public String getFromDay() {
        return fromDay;
    }

    public void setFromDay(String fromDay) {
        this.fromDay = fromDay;
    }

    public String getToDay() {
        return toDay;
    }

    public void setToDay(String toDay) {
        this.toDay = toDay;
    }

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }
}
