package pro.codai.sandbox.lxc;

import java.util.BitSet;

/**
 * Hands out a distinct host id range to every live sandbox: range {@code n} maps the sandbox's ids
 * 0..65535 to host ids {@code base + n * 65536} onwards. Range 0 is never handed out: it is the
 * canonical range the base image and the volumes are stored in, so no sandbox owns those files on
 * the host.
 */
final class IdRanges {

    private final int base;
    private final int size;
    private final BitSet used;
    private final int count;

    /**
     * @param base first host id of range 0
     * @param size ids per range
     * @param count ranges available, range 0 included
     */
    IdRanges(int base, int size, int count) {
        if (count < 2 || (long) base + (long) size * count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("id ranges do not fit: " + base + "+" + count);
        }
        this.base = base;
        this.size = size;
        this.count = count;
        this.used = new BitSet(count);
        used.set(0);
    }

    /** The first host id of a free range, now taken; throws when every range is in use. */
    synchronized int take() {
        int range = used.nextClearBit(1);
        if (range >= count) {
            throw new IllegalStateException("all " + (count - 1) + " sandbox id ranges are in use");
        }
        used.set(range);
        return base + range * size;
    }

    /** Gives back the range starting at {@code firstHostId}. */
    synchronized void release(int firstHostId) {
        int offset = firstHostId - base;
        if (offset <= 0 || offset % size != 0 || offset / size >= count) {
            throw new IllegalArgumentException("not a sandbox id range: " + firstHostId);
        }
        used.clear(offset / size);
    }

    synchronized int inUse() {
        return used.cardinality() - 1;
    }
}
