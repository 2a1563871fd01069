package pro.codai.sandbox.api;

/** Lifecycle state of a sandbox. */
public enum SandboxState {
    CREATED,
    RUNNING,
    STOPPED
}
