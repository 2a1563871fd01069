package pro.codai.sandbox.lxc.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Raw mappings of the liblxc functions this driver uses. The {@code struct lxc_container} members
 * are function pointers reached through {@link LxcAbi}, not mapped here.
 */
public interface LxcLibrary extends Library {

    /** Loaded once; throws {@link UnsatisfiedLinkError} when liblxc is not installed. */
    static LxcLibrary load() {
        return Holder.INSTANCE;
    }

    String lxc_get_version();

    Pointer lxc_container_new(String name, String configPath);

    int lxc_container_put(Pointer container);

    /** Lazily loaded so that classes referring to the library can load without it. */
    final class Holder {
        static final LxcLibrary INSTANCE = Native.load("lxc", LxcLibrary.class);

        private Holder() {}
    }
}
