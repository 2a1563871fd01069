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

    /** Who last set it (null: not recorded, as before this was kept). */
    @Column(name = "updated_by", length = 255)
    private String updatedBy;

    protected SiteSetting() {}

    SiteSetting(String name, String value, String by) {
        this.name = name;
        change(value, by);
    }

    void change(String newValue, String by) {
        this.value = newValue;
        this.updatedAt = Instant.now();
        this.updatedBy = by;
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

    public String getUpdatedBy() {
        return updatedBy;
    }
}
