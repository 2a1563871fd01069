package pro.codai.sandbox.connector.api;

/**
 * Receives a terminal's output, in order, on one of the adapter's work threads. Blocking in {@link
 * #output} is the flow control: once this terminal's window (64 KiB) is in flight, sandboxd stops
 * reading the terminal until it returns, and the program in the sandbox waits on its writes; other
 * terminals go on, and nothing is buffered without bound.
 */
public interface TerminalListener {

    /** Screen output, at most 32 KiB at a time. */
    void output(byte[] bytes);

    /** The shell ended, the terminal was closed, or sandboxd went away. Called exactly once. */
    void ended();
}
