package pro.codai.sandbox.api;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * An interactive terminal in a sandbox: a login shell on a pseudo-terminal. Closing it ends the
 * shell and everything it started.
 */
public interface PtySession extends AutoCloseable {

    /** What the terminal prints. */
    InputStream output();

    /** What is typed into the terminal. */
    OutputStream input();

    /** Tells the terminal its new size. */
    void resize(int columns, int rows);

    /** Whether the shell is still running. */
    boolean isAlive();

    @Override
    void close();
}
