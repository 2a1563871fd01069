package pro.codai.platform.setup;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/** One named setting of the site kept in the database (table {@code site_setting}). */
@Entity
@Table(name = "site_setting")
public class SiteSetting {

    @Id
    @Column(name = "name", length = 100)
    private String name;

    @Lob
    @Column(name = "setting_value", nullable = false)
    private String value;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected SiteSetting() {}

    SiteSetting(String name, String value) {
        this.name = name;
        change(value);
    }

    void change(String newValue) {
        this.value = newValue;
        this.updatedAt = Instant.now();
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
