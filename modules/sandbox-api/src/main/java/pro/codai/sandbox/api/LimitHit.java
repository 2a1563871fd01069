package pro.codai.sandbox.api;

/** Which limit ended a run, if any. */
public enum LimitHit {
    NONE,
    CPU_TIME,
    WALL_TIME,
    MEMORY,
    OUTPUT
}
