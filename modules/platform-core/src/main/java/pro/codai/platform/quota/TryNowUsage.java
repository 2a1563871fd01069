package pro.codai.platform.quota;

import java.time.LocalDate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** How long a person has used Try Now on one day (the server's local calendar day). */
@Entity
@Table(name = "try_now_usage")
@NamedQuery(
        name = TryNowUsage.ON_DAY,
        query = "SELECT u FROM TryNowUsage u WHERE u.subject = :subject AND u.day = :day")
public class TryNowUsage {

    static final String ON_DAY = "TryNowUsage.onDay";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "subject", nullable = false, updatable = false, length = 255)
    private String subject;

    @Column(name = "usage_day", nullable = false, updatable = false)
    private LocalDate day;

    @Column(name = "used_seconds", nullable = false)
    private long usedSeconds;

    protected TryNowUsage() {}

    TryNowUsage(String subject, LocalDate day) {
        this.subject = subject;
        this.day = day;
    }

    public long usedSeconds() {
        return usedSeconds;
    }

    void add(long seconds) {
        usedSeconds += seconds;
    }
}
