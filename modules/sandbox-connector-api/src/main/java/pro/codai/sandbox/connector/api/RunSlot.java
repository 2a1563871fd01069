package pro.codai.sandbox.connector.api;

/** One admitted run; closing it lets the next queued run in. Closing twice is harmless. */
public interface RunSlot extends AutoCloseable {

    /** How long the run waited in the queue, in milliseconds. */
    long waitedMillis();

    @Override
    void close();
}
