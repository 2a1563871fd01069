package pro.codai.sandbox.api;

import java.util.Comparator;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds sandbox drivers with {@link ServiceLoader}. */
public final class SandboxDrivers {

    private SandboxDrivers() {}

    /** The available driver of highest priority, initialised; fails naming why none is. */
    public static SandboxDriver best(DriverConfig config) throws SandboxException {
        ServiceLoader<SandboxDriver> loader = ServiceLoader.load(SandboxDriver.class);
        var candidates = loader.stream().map(ServiceLoader.Provider::get).toList();
        SandboxDriver best =
                candidates.stream()
                        .filter(SandboxDriver::isAvailable)
                        .max(Comparator.comparingInt(SandboxDriver::priority))
                        .orElseThrow(
                                () ->
                                        new SandboxException(
                                                "no sandbox driver is available: "
                                                        + candidates.stream()
                                                                .map(
                                                                        d ->
                                                                                d.id()
                                                                                        + ": "
                                                                                        + d
                                                                                                .unavailableReason())
                                                                .collect(
                                                                        Collectors.joining("; "))));
        best.init(config);
        return best;
    }
}
