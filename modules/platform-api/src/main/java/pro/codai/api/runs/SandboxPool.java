package pro.codai.api.runs;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.resource.ConnectionFactoryDefinition;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;

import pro.codai.platform.run.RunService;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;

/**
 * This application's pool of connections to sandboxd, on the sandbox connector (deployed before the
 * WARs as {@code sandbox-connector}), made injectable for {@link RunService} and friends. Each WAR
 * declares its own: in the EAR a definition in the shared library would be seen by every module and
 * refused as a duplicate.
 */
@ApplicationScoped
@ConnectionFactoryDefinition(
        name = SandboxPool.NAME,
        interfaceName = "pro.codai.sandbox.connector.api.SandboxConnectionFactory",
        resourceAdapter = "sandbox-connector",
        transactionSupport = TransactionSupportLevel.NoTransaction,
        minPoolSize = 0,
        maxPoolSize = 64)
public class SandboxPool {

    static final String NAME = "java:app/codaipro/sandbox-api";

    @Produces
    @Resource(lookup = NAME)
    SandboxConnectionFactory sandboxes;

    /** At start: the sandboxes of runs a killed server left behind are released. */
    void releaseOrphanRuns(
            @Observes @Initialized(ApplicationScoped.class) Object started, RunService runs) {
        runs.releaseOrphans();
    }
}
