package pro.codai.sandbox.connector.api;

/**
 * sandboxd's warm pool: started sandboxes kept ready for {@code acquire}.
 *
 * @param available sandboxes ready now
 * @param target the size sandboxd keeps the pool at now (it tops up or destroys towards it)
 * @param floor the configured size ({@code sandboxd.warm-pool.size}): the smallest target
 * @param max the largest target sandboxd accepts ({@code sandboxd.warm-pool.max-size})
 */
public record WarmPoolState(int available, int target, int floor, int max) {}
