package pro.codai.platform.analytics;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One run through the run or Jobe API (table {@code run_record}). */
@Entity
@Table(name = "run_record")
public class RunRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    private Instant occurredAt;

    /** {@code runs} or {@code jobe}. */
    @Column(name = "api", nullable = false, updatable = false, length = 10)
    private String api;

    /** The run queue's name of the caller: a person, a service key, the admin token. */
    @Column(name = "caller", nullable = false, updatable = false, length = 255)
    private String caller;

    @Column(name = "language", nullable = false, updatable = false, length = 40)
    private String language;

    @Column(name = "outcome", nullable = false, updatable = false, length = 20)
    private String outcome;

    @Column(name = "duration_ms", nullable = false, updatable = false)
    private long durationMillis;

    protected RunRecord() {}

    RunRecord(
            Instant occurredAt,
            String api,
            String caller,
            String language,
            String outcome,
            long durationMillis) {
        this.occurredAt = occurredAt;
        this.api = api;
        this.caller = caller.length() > 255 ? caller.substring(0, 255) : caller;
        this.language = language.length() > 40 ? language.substring(0, 40) : language;
        this.outcome = outcome;
        this.durationMillis = durationMillis;
    }

    public Instant getOccurredAt() {
        return occurredAt;
    }

    public String getApi() {
        return api;
    }

    public String getCaller() {
        return caller;
    }

    public String getLanguage() {
        return language;
    }

    public String getOutcome() {
        return outcome;
    }

    public long getDurationMillis() {
        return durationMillis;
    }
}
