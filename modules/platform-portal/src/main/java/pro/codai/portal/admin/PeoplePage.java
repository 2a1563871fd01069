package pro.codai.portal.admin;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

import pro.codai.platform.account.KeycloakAccounts;
import pro.codai.platform.account.PeopleAdministration;
import pro.codai.platform.account.PeopleFilter;
import pro.codai.platform.account.PersonSummary;
import pro.codai.platform.account.Plan;
import pro.codai.platform.account.Role;
import pro.codai.platform.account.UnknownPersonException;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.quota.TryNowQuotas;
import pro.codai.portal.account.CurrentAccount;
import pro.codai.portal.ide.Workspaces;

/**
 * People ({@code /admin/people.xhtml}): everyone who has signed in, searched by part of their name
 * or e-mail address, in name order, a page at a time from the database; each with a link to their
 * audit trail, and what an administrator does to their access: suspend (with a reason) and
 * re-enable, end all their sessions, send a password reset mail.
 */
@Named
@ViewScoped
public class PeoplePage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient UserProfiles profiles;
    @Inject transient PeopleAdministration administration;
    @Inject transient CurrentAccount account;
    @Inject transient Workspaces workspaces;
    @Inject transient TryNowQuotas quotas;

    /** How many days back the Try Now column counts, today included. */
    static final int TRY_NOW_DAYS = 7;

    /** Try Now seconds of the people on the page shown, over {@link #TRY_NOW_DAYS}. */
    private Map<String, Long> tryNowSeconds = Map.of();

    private String text;
    private String role = "";
    private String plan = "";
    private String status = "";
    private PeopleFilter applied = PeopleFilter.ALL;
    private final People people = new People();

    /** The person the suspension dialog is about, and the reason typed there. */
    private PersonSummary toSuspend;

    private String reason;

    /** The person the role and plan dialog is about, and what is chosen there ("": directory). */
    private PersonSummary toChange;

    private String newRole;
    private String newPlan;

    /** Opens the role and plan dialog for {@code person}. */
    public void askToChange() {
        PersonSummary person = chosen();
        if (person == null) {
            return;
        }
        toChange = person;
        newRole = person.roleOverride() == null ? "" : person.roleOverride().name();
        newPlan = person.planOverride() == null ? "" : person.planOverride().name();
    }

    public void saveRoleAndPlan() {
        if (toChange == null) {
            return;
        }
        PersonSummary person = toChange;
        toChange = null;
        try {
            Role role = newRole == null || newRole.isEmpty() ? null : Role.valueOf(newRole);
            Plan plan = newPlan == null || newPlan.isEmpty() ? null : Plan.valueOf(newPlan);
            // Only what was changed in the dialog: an administrator may change their own plan.
            boolean roleChanged =
                    role != person.roleOverride()
                            && administration
                                    .setRole(person.subject(), role, account.subject())
                                    .changed();
            boolean planChanged =
                    plan != person.planOverride()
                            && administration
                                    .setPlan(person.subject(), plan, account.subject())
                                    .changed();
            say(
                    FacesMessage.SEVERITY_INFO,
                    roleChanged || planChanged
                            ? "The role and plan of " + person.name() + " were saved."
                            : "Nothing changed for " + person.name() + ".");
        } catch (PeopleAdministration.RefusedException | IllegalArgumentException e) {
            say(FacesMessage.SEVERITY_WARN, e.getMessage());
        } catch (UnknownPersonException e) {
            say(FacesMessage.SEVERITY_WARN, person.name() + " is not known here any more.");
        }
    }

    /** The roles to choose from, with the directory's first. */
    public List<Role> getRoles() {
        return List.of(Role.values());
    }

    public List<Plan> getPlans() {
        return PeopleAdministration.ASSIGNABLE_PLANS;
    }

    public PersonSummary getToChange() {
        return toChange;
    }

    public String getNewRole() {
        return newRole;
    }

    public void setNewRole(String newRole) {
        this.newRole = newRole;
    }

    public String getNewPlan() {
        return newPlan;
    }

    public void setNewPlan(String newPlan) {
        this.newPlan = newPlan;
    }

    /** Opens the suspension dialog for {@code person}. */
    public void askToSuspend() {
        PersonSummary person = chosen();
        if (person == null) {
            return;
        }
        toSuspend = person;
        reason = null;
    }

    public void suspend() {
        if (toSuspend == null) {
            return;
        }
        PersonSummary person = toSuspend;
        toSuspend = null;
        try {
            PeopleAdministration.Result result =
                    administration.suspend(
                            person.subject(), account.subject(), reason, workspaces::endRevoked);
            tell(
                    result,
                    result.changed()
                            ? person.name()
                                    + " is suspended: their workspace and sessions were ended."
                            : person.name() + " was suspended already.",
                    "Keycloak could not be told; the appliance refuses them anyway. Suspending"
                            + " them again through the admin API brings Keycloak in line.");
        } catch (PeopleAdministration.RefusedException e) {
            say(FacesMessage.SEVERITY_WARN, e.getMessage());
        } catch (UnknownPersonException e) {
            say(FacesMessage.SEVERITY_WARN, person.name() + " is not known here any more.");
        }
    }

    public void reinstate() {
        PersonSummary person = chosen();
        if (person == null) {
            return;
        }
        try {
            PeopleAdministration.Result result =
                    administration.reinstate(person.subject(), account.subject());
            tell(
                    result,
                    result.changed()
                            ? person.name() + " may sign in again."
                            : person.name() + " was not suspended.",
                    "But Keycloak still refuses them: enable their account in Keycloak's"
                            + " console.");
        } catch (UnknownPersonException e) {
            say(FacesMessage.SEVERITY_WARN, person.name() + " is not known here any more.");
        }
    }

    public void endSessions() {
        PersonSummary person = chosen();
        if (person == null) {
            return;
        }
        try {
            tell(
                    administration.endSessions(
                            person.subject(), account.subject(), workspaces::endRevoked),
                    "The sessions of " + person.name() + " were ended; they may sign in again.",
                    "But their Keycloak sign-in was not ended, so it may sign them back in"
                            + " without a password: try again.");
        } catch (UnknownPersonException e) {
            say(FacesMessage.SEVERITY_WARN, person.name() + " is not known here any more.");
        }
    }

    public void sendPasswordReset() {
        PersonSummary person = chosen();
        if (person == null) {
            return;
        }
        try {
            administration.sendPasswordReset(person.subject(), account.subject());
            say(
                    FacesMessage.SEVERITY_INFO,
                    "A password reset mail was sent to " + person.email() + ".");
        } catch (KeycloakAccounts.KeycloakException e) {
            say(FacesMessage.SEVERITY_ERROR, "No mail was sent: " + e.getMessage() + ".");
        } catch (UnknownPersonException e) {
            say(FacesMessage.SEVERITY_WARN, person.name() + " is not known here any more.");
        }
    }

    /**
     * The person a row's button names (its {@code subject} parameter, as the page showed it), read
     * afresh: the lazy table's rows may have moved since the page was drawn.
     */
    private PersonSummary chosen() {
        String subject =
                FacesContext.getCurrentInstance()
                        .getExternalContext()
                        .getRequestParameterMap()
                        .get("subject");
        PersonSummary person =
                subject == null
                        ? null
                        : profiles.findBySubject(subject).map(PersonSummary::of).orElse(null);
        if (person == null) {
            say(FacesMessage.SEVERITY_WARN, "That person is not known here any more.");
        }
        return person;
    }

    /** The people ticked in the table (any page), and what the bulk actions use. */
    private List<PersonSummary> selected = new java.util.ArrayList<>();

    private String bulkReason;
    private String bulkPlan = "";

    public void suspendSelected() {
        tellBulk(
                "suspended",
                administration.suspendEach(
                        subjects(), account.subject(), bulkReason, workspaces::endRevoked));
        bulkReason = null;
    }

    public void reinstateSelected() {
        tellBulk("re-enabled", administration.reinstateEach(subjects(), account.subject()));
    }

    public void setPlanOfSelected() {
        Plan plan = bulkPlan.isEmpty() ? null : Plan.valueOf(bulkPlan);
        tellBulk(
                plan == null ? "given the directory's plan" : "put on the " + plan + " plan",
                administration.setPlanOfEach(subjects(), plan, account.subject()));
    }

    private List<String> subjects() {
        return selected == null
                ? List.of()
                : selected.stream().map(PersonSummary::subject).toList();
    }

    private void tellBulk(String done, PeopleAdministration.BulkResult result) {
        if (selected == null || selected.isEmpty()) {
            say(FacesMessage.SEVERITY_WARN, "Tick the people first.");
            return;
        }
        StringBuilder text =
                new StringBuilder(
                        result.changed()
                                + (result.changed() == 1 ? " person " : " people ")
                                + done);
        if (result.unchanged() > 0) {
            text.append("; ").append(result.unchanged()).append(" already so");
        }
        if (!result.skipped().isEmpty()) {
            text.append("; ")
                    .append(result.skipped().size())
                    .append(" skipped (you, or no longer known)");
        }
        if (result.keycloakProblems() > 0) {
            text.append("; Keycloak could not be told for ")
                    .append(result.keycloakProblems())
                    .append(" (the appliance holds it anyway)");
        }
        say(
                result.keycloakProblems() > 0 || !result.skipped().isEmpty()
                        ? FacesMessage.SEVERITY_WARN
                        : FacesMessage.SEVERITY_INFO,
                text.append('.').toString());
        selected = new java.util.ArrayList<>();
    }

    public List<PersonSummary> getSelected() {
        return selected;
    }

    public void setSelected(List<PersonSummary> selected) {
        this.selected = selected;
    }

    public String getBulkReason() {
        return bulkReason;
    }

    public void setBulkReason(String bulkReason) {
        this.bulkReason = bulkReason;
    }

    public String getBulkPlan() {
        return bulkPlan;
    }

    public void setBulkPlan(String bulkPlan) {
        this.bulkPlan = bulkPlan == null ? "" : bulkPlan;
    }

    /** Whether {@code person} is the administrator looking (who may not suspend themselves). */
    public boolean isMe(PersonSummary person) {
        return person.subject().equals(account.subject());
    }

    /**
     * Says what was done; when Keycloak could not be told, also what that means ({@code
     * ifKeycloakFailed}) and why.
     */
    private void tell(PeopleAdministration.Result result, String done, String ifKeycloakFailed) {
        if (result.keycloakProblem() == null) {
            say(FacesMessage.SEVERITY_INFO, done);
        } else {
            say(
                    FacesMessage.SEVERITY_WARN,
                    done
                            + " "
                            + ifKeycloakFailed
                            + " (Keycloak: "
                            + result.keycloakProblem()
                            + ")");
        }
    }

    private static void say(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }

    public PersonSummary getToSuspend() {
        return toSuspend;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public void search() {
        try {
            applied =
                    new PeopleFilter(
                            text,
                            role.isEmpty() ? null : Role.valueOf(role),
                            plan.isEmpty() ? null : Plan.valueOf(plan),
                            status.isEmpty() ? null : "suspended".equals(status));
        } catch (IllegalArgumentException e) {
            say(FacesMessage.SEVERITY_WARN, e.getMessage());
        }
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role == null ? "" : role;
    }

    public String getPlan() {
        return plan;
    }

    public void setPlan(String plan) {
        this.plan = plan == null ? "" : plan;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status == null ? "" : status;
    }

    /** Every plan, for the filter (people may be on any, Campus included). */
    public List<Plan> getAllPlans() {
        return List.of(Plan.values());
    }

    public LazyDataModel<PersonSummary> getPeople() {
        return people;
    }

    /** The person's Try Now time over the last {@link #TRY_NOW_DAYS} days, e.g. "1 h 05 min". */
    public String tryNowOf(PersonSummary person) {
        return duration(tryNowSeconds.getOrDefault(person.subject(), 0L));
    }

    /** Seconds as the console shows a length of use: "—", "12 min" or "1 h 05 min". */
    static String duration(long seconds) {
        if (seconds <= 0) {
            return "—";
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 60
                ? minutes + " min"
                : minutes / 60 + " h " + String.format("%02d", minutes % 60) + " min";
    }

    public String utc(Instant time) {
        return time == null ? "—" : AuditPage.inUtc(time);
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    /** The people of the applied search, a page at a time. */
    private final class People extends LazyDataModel<PersonSummary> {

        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) Math.min(Integer.MAX_VALUE, profiles.count(applied));
        }

        @Override
        public List<PersonSummary> load(
                int first,
                int pageSize,
                Map<String, SortMeta> sortBy,
                Map<String, FilterMeta> filterBy) {
            List<PersonSummary> shown =
                    profiles.search(applied, first, pageSize).stream()
                            .map(PersonSummary::of)
                            .toList();
            tryNowSeconds =
                    Map.copyOf(
                            quotas.usedSecondsSince(
                                    shown.stream().map(PersonSummary::subject).toList(),
                                    LocalDate.now().minusDays(TRY_NOW_DAYS - 1)));
            return shown;
        }

        @Override
        public String getRowKey(PersonSummary person) {
            return person.subject();
        }

        @Override
        public PersonSummary getRowData(String rowKey) {
            return profiles.findBySubject(rowKey).map(PersonSummary::of).orElse(null);
        }
    }
}
