package pro.codai.api.runs;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.resource.ConnectionFactoryDefinition;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;

import pro.codai.sandbox.connector.api.SandboxConnectionFactory;

/**
 * Defines this application's pool of connections to sandboxd on the sandbox connector (deployed
 * before the WARs) and makes the factory injectable.
 */
@ApplicationScoped
@ConnectionFactoryDefinition(
        name = SandboxFactoryProducer.JNDI_NAME,
        interfaceName = "pro.codai.sandbox.connector.api.SandboxConnectionFactory",
        resourceAdapter = "sandbox-connector",
        transactionSupport = TransactionSupportLevel.NoTransaction,
        minPoolSize = 0,
        maxPoolSize = 64)
public class SandboxFactoryProducer {

    static final String JNDI_NAME = "java:app/codaipro/sandbox";

    @Produces
    @Resource(lookup = JNDI_NAME)
    SandboxConnectionFactory sandboxes;
}
