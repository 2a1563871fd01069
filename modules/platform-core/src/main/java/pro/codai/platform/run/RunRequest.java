package pro.codai.platform.run;

import java.util.List;

/**
 * One compile-and-run.
 *
 * @param sourceFileName the source's file name, or null for the language's default
 * @param input the program's standard input
 * @param files further files put beside the source
 * @param dialect whose behaviour the run has: the appliance's run API, or Jobe's
 */
public record RunRequest(
        Language language,
        String sourceCode,
        String sourceFileName,
        byte[] input,
        List<RunFile> files,
        RunParameters parameters,
        Dialect dialect) {

    /**
     * How a run behaves where Jobe and the appliance's own run API differ.
     *
     * <ul>
     *   <li>{@link #APPLIANCE}: extra arguments are exact lists (one item, one argument); the
     *       memory limit is the sandbox's memory, reached as outcome 17; output past the limit
     *       stops the program (12, {@link Outcome#OUTPUT_LIMIT}); a non-zero exit status is a
     *       runtime error; output is decoded as UTF-8.
     *   <li>{@link #JOBE}: as Jobe 2.2 does it: the extra arguments are pasted into a {@code sh -c}
     *       command line (run inside the sandbox as the student); the memory limit is the program's
     *       address space (a failed {@code malloc}, Python's {@code MemoryError}), within a sandbox
     *       memory wall a little larger; output is cut at the limit while the program runs on; only
     *       stderr makes a runtime error, CPU past the limit a time limit (with stderr cleared);
     *       output that is not UTF-8 comes back with {@code \xNN} escapes.
     * </ul>
     */
    public enum Dialect {
        APPLIANCE,
        JOBE
    }

    /** Source plus files may not exceed this many bytes. */
    public static final int MAX_BYTES = 16 << 20;

    /** A run with the appliance's behaviour. */
    public RunRequest(
            Language language,
            String sourceCode,
            String sourceFileName,
            byte[] input,
            List<RunFile> files,
            RunParameters parameters) {
        this(language, sourceCode, sourceFileName, input, files, parameters, Dialect.APPLIANCE);
    }

    public RunRequest {
        if (language == null) {
            throw new RunRejectedException("language is required");
        }
        if (sourceCode == null) {
            throw new RunRejectedException("sourcecode is required");
        }
        if (sourceFileName != null && !sourceFileName.isEmpty()) {
            RunFile.requireValidSourceName(sourceFileName);
        } else {
            sourceFileName = null;
        }
        input = input == null ? new byte[0] : input.clone();
        files = files == null ? List.of() : List.copyOf(files);
        parameters = parameters == null ? RunParameters.DEFAULTS : parameters;
        dialect = dialect == null ? Dialect.APPLIANCE : dialect;
        long total = sourceCode.length() + input.length;
        for (RunFile file : files) {
            total += file.content().length;
        }
        if (total > MAX_BYTES) {
            throw new RunRejectedException(
                    "source, input and files exceed " + (MAX_BYTES >> 20) + " MB");
        }
    }

    /** The bytes of the source, input and files together (at most {@link #MAX_BYTES}). */
    public long bytes() {
        long total = sourceCode.length() + input.length;
        for (RunFile file : files) {
            total += file.content().length;
        }
        return total;
    }

    public static RunRequest of(Language language, String sourceCode) {
        return new RunRequest(language, sourceCode, null, null, null, null);
    }

    public RunRequest withInput(byte[] newInput) {
        return new RunRequest(
                language, sourceCode, sourceFileName, newInput, files, parameters, dialect);
    }

    public RunRequest withParameters(RunParameters newParameters) {
        return new RunRequest(
                language, sourceCode, sourceFileName, input, files, newParameters, dialect);
    }

    /** The same run, behaving as Jobe does (see {@link Dialect#JOBE}). */
    public RunRequest likeJobe() {
        return new RunRequest(
                language, sourceCode, sourceFileName, input, files, parameters, Dialect.JOBE);
    }

    /** The source's name in the working directory. */
    public String effectiveSourceFileName() {
        return sourceFileName != null ? sourceFileName : language.defaultSourceFileName(sourceCode);
    }
}
