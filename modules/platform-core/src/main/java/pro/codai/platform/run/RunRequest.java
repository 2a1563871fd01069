package pro.codai.platform.run;

import java.util.List;

/**
 * One compile-and-run.
 *
 * @param sourceFileName the source's file name, or null for the language's default
 * @param input the program's standard input
 * @param files further files put beside the source
 */
public record RunRequest(
        Language language,
        String sourceCode,
        String sourceFileName,
        byte[] input,
        List<RunFile> files,
        RunParameters parameters) {

    /** Source plus files may not exceed this many bytes. */
    public static final int MAX_BYTES = 16 << 20;

    public RunRequest {
        if (language == null) {
            throw new RunRejectedException("language is required");
        }
        if (sourceCode == null) {
            throw new RunRejectedException("sourcecode is required");
        }
        if (sourceFileName != null && !sourceFileName.isEmpty()) {
            RunFile.requireValidName(sourceFileName, "sourcefilename");
        } else {
            sourceFileName = null;
        }
        input = input == null ? new byte[0] : input.clone();
        files = files == null ? List.of() : List.copyOf(files);
        parameters = parameters == null ? RunParameters.DEFAULTS : parameters;
        long total = sourceCode.length() + input.length;
        for (RunFile file : files) {
            total += file.content().length;
        }
        if (total > MAX_BYTES) {
            throw new RunRejectedException(
                    "source, input and files exceed " + (MAX_BYTES >> 20) + " MB");
        }
    }

    public static RunRequest of(Language language, String sourceCode) {
        return new RunRequest(language, sourceCode, null, null, null, null);
    }

    public RunRequest withInput(byte[] newInput) {
        return new RunRequest(language, sourceCode, sourceFileName, newInput, files, parameters);
    }

    public RunRequest withParameters(RunParameters newParameters) {
        return new RunRequest(language, sourceCode, sourceFileName, input, files, newParameters);
    }

    /** The source's name in the working directory. */
    public String effectiveSourceFileName() {
        return sourceFileName != null ? sourceFileName : language.defaultSourceFileName(sourceCode);
    }
}
