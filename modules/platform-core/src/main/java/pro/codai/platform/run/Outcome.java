package pro.codai.platform.run;

/** How a run ended, with the outcome codes of Jobe (and ideone) that CodeRunner understands. */
public enum Outcome {
    COMPILE_ERROR(11),
    RUNTIME_ERROR(12),
    TIME_LIMIT(13),
    OK(15),
    MEMORY_LIMIT(17),
    /** The program made a system call the sandbox refuses (killed by SIGSYS). */
    ILLEGAL_SYSCALL(19),
    /**
     * More output than the stream limit stopped the program (the appliance's dialect; reported as a
     * runtime error). In Jobe's dialect the output is cut and the program runs on, as on Jobe.
     */
    OUTPUT_LIMIT(12),
    INTERNAL_ERROR(20),
    OVERLOAD(21);

    private final int jobeCode;

    Outcome(int jobeCode) {
        this.jobeCode = jobeCode;
    }

    public int jobeCode() {
        return jobeCode;
    }
}
