package pro.codai.platform.timetable;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A class start an administrator announced: when, how many students, for how long. */
@Entity
@Table(name = "class_start")
@NamedQuery(name = ClassStart.ALL, query = "SELECT c FROM ClassStart c ORDER BY c.startsAt, c.id")
@NamedQuery(
        name = ClassStart.STARTING_BETWEEN,
        query =
                "SELECT c FROM ClassStart c WHERE c.startsAt >= :from AND c.startsAt <= :to"
                        + " ORDER BY c.startsAt, c.id")
public class ClassStart {

    static final String ALL = "ClassStart.all";
    static final String STARTING_BETWEEN = "ClassStart.startingBetween";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "starts_at", nullable = false)
    private Instant startsAt;

    @Column(name = "students", nullable = false)
    private int students;

    @Column(name = "duration_minutes", nullable = false)
    private int durationMinutes;

    @Column(name = "created_by", nullable = false, updatable = false, length = 255)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected ClassStart() {
        // for JPA
    }

    ClassStart(
            Instant startsAt,
            int students,
            int durationMinutes,
            String createdBy,
            Instant createdAt) {
        this.startsAt = startsAt;
        this.students = students;
        this.durationMinutes = durationMinutes;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    /** This class start as a value, for views and the pre-warm plan. */
    public ClassStarts.Entry entry() {
        return new ClassStarts.Entry(id, startsAt, students, durationMinutes, createdBy, createdAt);
    }

    Instant startsAt() {
        return startsAt;
    }

    int students() {
        return students;
    }
}
