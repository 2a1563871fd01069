package pro.codai.sandbox.connector;

import javax.naming.Reference;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/** What the application gets by injection: connections come from the server's pool. */
final class SandboxConnectionFactoryImpl implements SandboxConnectionFactory, Referenceable {

    private static final long serialVersionUID = 1L;

    private final SandboxManagedConnectionFactory factory;
    private final transient ConnectionManager manager;
    private Reference reference;

    SandboxConnectionFactoryImpl(
            SandboxManagedConnectionFactory factory, ConnectionManager manager) {
        this.factory = factory;
        this.manager = manager;
    }

    @Override
    public SandboxConnection getConnection() throws SandboxConnectorException {
        try {
            return (SandboxConnection) manager.allocateConnection(factory, null);
        } catch (ResourceException e) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.UNAVAILABLE,
                    "sandboxd is not reachable: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public RunSlot admitRun(String caller) throws SandboxConnectorException {
        if (caller == null || caller.isEmpty()) {
            throw new SandboxConnectorException(
                    SandboxConnectorException.BAD_REQUEST, "a run needs a caller");
        }
        return factory.adapter().runGate().admit(caller);
    }

    @Override
    public SandboxSpec defaultSpec() {
        return factory.defaultSpec();
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
