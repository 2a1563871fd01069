package pro.codai.platform.system;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.persistence.ApplicationDatabase;

/** What the running appliance is: its build and the database it runs on. */
@ApplicationScoped
public class SystemInfo {

    private static final BuildInfo BUILD = BuildInfo.current();

    @Inject ApplicationDatabase database;

    /**
     * @param build the running build
     * @param databaseKind {@code derby} or {@code postgresql}
     */
    public record Summary(BuildInfo build, String databaseKind) {}

    public Summary summary() {
        return new Summary(BUILD, database.kind().id());
    }
}
