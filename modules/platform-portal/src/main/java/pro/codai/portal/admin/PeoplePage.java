package pro.codai.portal.admin;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;

/**
 * People ({@code /admin/people.xhtml}): everyone who has signed in, searched by part of their name
 * or e-mail address, in name order, a page at a time from the database; each with a link to their
 * audit trail.
 */
@Named
@ViewScoped
public class PeoplePage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient UserProfiles profiles;

    /** A person as a row of the table. */
    public record Person(
            String subject,
            String name,
            String email,
            String role,
            String plan,
            String institution,
            String programme,
            Instant lastSignInAt)
            implements Serializable {

        static Person of(UserProfile profile) {
            return new Person(
                    profile.getSubject(),
                    profile.getDisplayName(),
                    profile.getEmail(),
                    profile.getRole().name(),
                    profile.getPlan().name(),
                    profile.getInstitution(),
                    profile.getProgramme(),
                    profile.getLastSignInAt());
        }
    }

    private String text;
    private String applied;
    private final People people = new People();

    public void search() {
        applied = text == null || text.isBlank() ? null : text.strip();
    }

    public LazyDataModel<Person> getPeople() {
        return people;
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
    private final class People extends LazyDataModel<Person> {

        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) Math.min(Integer.MAX_VALUE, profiles.count(applied));
        }

        @Override
        public List<Person> load(
                int first,
                int pageSize,
                Map<String, SortMeta> sortBy,
                Map<String, FilterMeta> filterBy) {
            return profiles.search(applied, first, pageSize).stream().map(Person::of).toList();
        }

        @Override
        public String getRowKey(Person person) {
            return person.subject();
        }

        @Override
        public Person getRowData(String rowKey) {
            return null; // rows are not selectable
        }
    }
}
