package pro.codai.jobe;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.resource.ConnectionFactoryDefinition;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;

import pro.codai.sandbox.connector.api.SandboxConnectionFactory;

/** This application's pool of connections to sandboxd, on the sandbox connector. */
@ApplicationScoped
@ConnectionFactoryDefinition(
        name = "java:app/codaipro/sandbox",
        interfaceName = "pro.codai.sandbox.connector.api.SandboxConnectionFactory",
        resourceAdapter = "sandbox-connector",
        transactionSupport = TransactionSupportLevel.NoTransaction,
        minPoolSize = 0,
        maxPoolSize = 64)
public class SandboxFactoryProducer {

    @Produces
    @Resource(lookup = "java:app/codaipro/sandbox")
    SandboxConnectionFactory sandboxes;
}
