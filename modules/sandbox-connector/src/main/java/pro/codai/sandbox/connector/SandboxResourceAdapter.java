package pro.codai.sandbox.connector;

import java.util.Objects;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

/**
 * The sandbox connector's resource adapter: the application's client of sandboxd, the root service
 * that owns the LXC containers.
 *
 * <p>Skeleton: it deploys on Payara Micro before the WARs and in the EAR, receives its {@link
 * WorkManager} and configuration, and reports its state. Connection factories and the sandboxd
 * protocol arrive with the sandbox connector work (see {@code
 * modules/sandbox-connector/README.md}).
 */
@Connector(
        displayName = "CodaiPro sandbox connector",
        description = "Client of sandboxd: sandboxes, code execution and terminals.",
        vendorName = "CodaiPro",
        eisType = "sandboxd",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class SandboxResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(SandboxResourceAdapter.class.getName());

    @ConfigProperty(
            defaultValue = "/run/codaipro/sandboxd.sock",
            description = "Unix socket on which sandboxd listens.")
    private String socketPath = "/run/codaipro/sandboxd.sock";

    private volatile WorkManager workManager;

    @Override
    public void start(BootstrapContext context) {
        workManager = context.getWorkManager();
        LOG.info(() -> "Sandbox connector started (sandboxd socket " + socketPath + ")");
    }

    @Override
    public void stop() {
        workManager = null;
        LOG.info("Sandbox connector stopped");
    }

    /** Whether the server started the adapter and handed it a work manager. */
    public boolean isStarted() {
        return workManager != null;
    }

    public String getSocketPath() {
        return socketPath;
    }

    public void setSocketPath(String socketPath) {
        this.socketPath = socketPath;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec)
            throws ResourceException {
        throw new NotSupportedException("the sandbox connector has no inbound endpoints");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // no inbound endpoints
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // The server compares adapters by identity of configuration (Connectors 2.1, 5.3.1).
    @Override
    public boolean equals(Object other) {
        return other instanceof SandboxResourceAdapter that
                && Objects.equals(socketPath, that.socketPath);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(socketPath);
    }
}
