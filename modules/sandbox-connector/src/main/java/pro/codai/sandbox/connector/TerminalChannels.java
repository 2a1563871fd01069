package pro.codai.sandbox.connector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

import pro.codai.sandbox.protocol.ProtocolException;
import pro.codai.sandbox.protocol.TerminalChannel;

/**
 * The few sandboxd connections every terminal of the server travels over (protocol version 2's
 * multiplexed terminals): at most {@code size} of them, opened on first use, each terminal placed
 * on the least busy one, a lost one replaced on the next open. So the number of open workspaces is
 * bounded by memory and CPU, not by sandboxd's {@code max-connections}.
 *
 * <p>Thread-safe.
 */
final class TerminalChannels implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TerminalChannels.class.getName());

    private final Path socket;
    private final int size;
    private final Executor executor;
    private final List<TerminalChannel> channels = new ArrayList<>();
    private boolean closed;

    TerminalChannels(Path socket, int size, Executor executor) {
        this.socket = socket;
        this.size = Math.max(1, size);
        this.executor = executor;
    }

    /**
     * Opens a terminal on one of the channels. A channel found dead is replaced and the open tried
     * once more on a fresh one (sandboxd restarted since).
     */
    TerminalChannel.Stream open(String sandbox, int columns, int rows, TerminalChannel.Listener to)
            throws IOException, ProtocolException {
        TerminalChannel channel = pick();
        try {
            return channel.open(sandbox, columns, rows, to);
        } catch (IOException first) {
            if (channel.isOpen()) {
                throw first; // a slow answer, not a dead connection
            }
            return pick().open(sandbox, columns, rows, to);
        }
    }

    /**
     * The open channel with the fewest terminals, opening another while there are fewer than the
     * size.
     */
    private synchronized TerminalChannel pick() throws IOException, ProtocolException {
        if (closed) {
            throw new IOException("the sandbox connector is stopped");
        }
        channels.removeIf(channel -> !channel.isOpen());
        TerminalChannel best = null;
        for (TerminalChannel channel : channels) {
            if (best == null || channel.streamCount() < best.streamCount()) {
                best = channel;
            }
        }
        if (channels.size() < size && (best == null || best.streamCount() > 0)) {
            TerminalChannel opened = TerminalChannel.open(socket, executor);
            channels.add(opened);
            LOG.info(
                    () ->
                            "terminal connection "
                                    + channels.size()
                                    + " of "
                                    + size
                                    + " to sandboxd opened");
            return opened;
        }
        return best;
    }

    /** Terminals open over all channels. */
    synchronized int terminals() {
        return channels.stream().mapToInt(TerminalChannel::streamCount).sum();
    }

    /** Connections open now. */
    synchronized int connections() {
        channels.removeIf(channel -> !channel.isOpen());
        return channels.size();
    }

    /** Closes every channel: their terminals hang up. */
    @Override
    public synchronized void close() {
        closed = true;
        channels.forEach(TerminalChannel::close);
        channels.clear();
    }
}
