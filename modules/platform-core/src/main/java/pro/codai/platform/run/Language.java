package pro.codai.platform.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The languages runs support, with the commands and defaults Jobe uses for them (so CodeRunner
 * questions written for Jobe behave the same). Commands run in the sandbox's working directory as
 * the student.
 */
public enum Language {
    PYTHON3("python3", "py", List.of(), List.of(), List.of("-BE"), 0, 0) {
        /**
         * Compiles and runs in one interpreter (a Python start costs as much as a hello world): a
         * syntax error is reported as a compile failure, as Jobe's {@code py_compile} step does;
         * otherwise the program runs as {@code __main__} with {@code sys.argv} and tracebacks as if
         * started as {@code python3 prog.py}. {@code traceback} is imported only when one is
         * printed: importing it (and {@code linecache}, {@code tokenize}, {@code re} with it) cost
         * 14 ms of a 35 ms Python start on this machine.
         */
        static final String BOOTSTRAP =
                String.join(
                        "\n",
                        "import sys",
                        "f = sys.argv[1]",
                        "try:",
                        "    c = compile(open(f, encoding='utf-8').read(), f, 'exec')",
                        "except (SyntaxError, ValueError) as e:",
                        "    import traceback",
                        "    sys.stderr.write('\\0codaipro: compile failed\\0\\n')",
                        "    sys.stderr.write(''.join(traceback.format_exception_only(type(e), e)))",
                        "    sys.exit(1)",
                        "del sys.argv[0]",
                        "del sys",
                        "try:",
                        "    exec(c, {'__name__': '__main__', '__file__': f, '__builtins__': __builtins__})",
                        "except SystemExit:",
                        "    raise",
                        "except BaseException as e:",
                        "    import traceback",
                        "    traceback.print_exception(type(e), e, e.__traceback__.tb_next)",
                        "    raise SystemExit(1)");

        /**
         * With interpreter arguments of the request's own (which may hold {@code -c} or {@code -m}
         * of their own), Jobe's two steps: {@code py_compile}, then {@code python3 <args> prog.py
         * <runargs>}.
         */
        @Override
        List<String> compile(String source, RunParameters p) {
            return p.interpreterArgs() == null
                    ? List.of()
                    : List.of("python3", "-m", "py_compile", source);
        }

        @Override
        List<String> run(String source, RunParameters p) {
            if (p.interpreterArgs() != null) {
                return with("python3", p.interpreterArgs(), source, p);
            }
            List<String> command = new ArrayList<>(List.of("python3"));
            command.addAll(defaultInterpreterArgs);
            command.addAll(List.of("-c", BOOTSTRAP, source));
            command.addAll(or(p.runArgs(), List.of()));
            return command;
        }

        /** Jobe gives Python 1000 MB (NumPy and matplotlib need it). */
        @Override
        int addressSpaceMegabytes(int requested) {
            return requested > 0 ? requested : 1000;
        }
    },
    C(
            "c",
            "c",
            List.of("-Wall", "-Werror", "-std=c99", "-x", "c"),
            List.of("-lm"),
            List.of(),
            0,
            0) {
        @Override
        List<String> compile(String source, RunParameters p) {
            return compiler("gcc", source, p);
        }
    },
    CPP("cpp", "cpp", List.of("-Wall", "-Werror"), List.of("-lm"), List.of(), 0, 0) {
        @Override
        List<String> compile(String source, RunParameters p) {
            return compiler("g++", source, p);
        }
    },
    JAVA("java", "java", List.of(), List.of(), List.of("-Xrs", "-Xss8m", "-Xmx200m"), 256, 1024) {
        private final Pattern publicClass =
                Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*class\\s+([A-Za-z_]\\w*)");

        @Override
        String defaultSourceFileName(String sourceCode) {
            Matcher matcher = publicClass.matcher(sourceCode);
            return (matcher.find() ? matcher.group(1) : "prog") + ".java";
        }

        @Override
        List<String> compile(String source, RunParameters p) {
            List<String> command = new ArrayList<>(List.of("javac", "-J-Xss8m"));
            command.addAll(or(p.compileArgs(), defaultCompileArgs));
            command.add(source);
            return command;
        }

        @Override
        List<String> run(String source, RunParameters p) {
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(or(p.interpreterArgs(), defaultInterpreterArgs));
            command.addAll(List.of("-cp", "."));
            command.add(source.substring(0, source.length() - ".java".length()));
            command.addAll(or(p.runArgs(), List.of()));
            return command;
        }

        /** Jobe lets the JVM manage its memory: {@code memorylimit} is disregarded. */
        @Override
        int addressSpaceMegabytes(int requested) {
            return 0;
        }

        /** Jobe's: the tabs that indent a stack trace become eight spaces. */
        @Override
        String filteredStderr(String stderr) {
            return stderr.replace("\n\t", "\n        ");
        }
    },
    NODEJS("nodejs", "js", List.of(), List.of(), List.of("--use_strict"), 64, 0) {
        @Override
        List<String> run(String source, RunParameters p) {
            return with("node", or(p.interpreterArgs(), defaultInterpreterArgs), source, p);
        }
    },
    /** PHP (Debian's php-cli): {@code php -l} checks the syntax as the compile step, as Jobe's. */
    PHP("php", "php", List.of(), List.of(), List.of("--no-php-ini"), 0, 0) {
        @Override
        List<String> compile(String source, RunParameters p) {
            return List.of("php", "-l", source);
        }

        @Override
        List<String> run(String source, RunParameters p) {
            return with("php", or(p.interpreterArgs(), defaultInterpreterArgs), source, p);
        }
    },
    /**
     * Free Pascal, where the image has it ({@code fp-compiler}). As in Jobe, the compiler's errors
     * go to {@code <source>.err} and are the compile output when no {@code <source>.exe} was made.
     */
    PASCAL("pascal", "pas", List.of("-vew", "-Se"), List.of(), List.of(), 0, 0) {
        static final String COMPILE =
                "fpc \"$@\" -Fe\"$0.err\" -o\"$0.exe\" \"$0\" >\"$0.out\" 2>&1;"
                        + " [ -f \"$0.exe\" ] && exit 0;"
                        + " { cat \"$0.err\" 2>/dev/null || cat \"$0.out\"; } >&2; exit 1";

        @Override
        List<String> compile(String source, RunParameters p) {
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", COMPILE, source));
            command.addAll(or(p.compileArgs(), defaultCompileArgs));
            return command;
        }

        @Override
        List<String> run(String source, RunParameters p) {
            List<String> command = new ArrayList<>(List.of("./" + source + ".exe"));
            command.addAll(or(p.runArgs(), List.of()));
            return command;
        }
    },
    /** GNU Octave, where the image has it ({@code octave}): no compile step, Jobe's 500 MB. */
    OCTAVE(
            "octave",
            "m",
            List.of(),
            List.of(),
            List.of("--norc", "--no-window-system", "--silent", "-H"),
            0,
            500) {
        @Override
        List<String> run(String source, RunParameters p) {
            return with("octave", or(p.interpreterArgs(), defaultInterpreterArgs), source, p);
        }

        /** Jobe's OctaveTask default: 500 MB of address space. */
        @Override
        int addressSpaceMegabytes(int requested) {
            return requested > 0 ? requested : 500;
        }

        /**
         * As Jobe: no carriage returns, no trailing blank lines, and without the last line when it
         * is Octave's {@code error: ignoring octave_execution_exception} or the {@code error: No
         * such file or directory} it adds when the environment lacks variables it looks for.
         */
        @Override
        String filteredStderr(String stderr) {
            List<String> lines = new ArrayList<>(stderr.replace("\r", "").lines().toList());
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            if (!lines.isEmpty()
                    && lines.get(lines.size() - 1)
                            .startsWith("error: ignoring octave_execution_exception")) {
                lines.remove(lines.size() - 1);
            }
            if (!lines.isEmpty()
                    && lines.get(lines.size() - 1).equals("error: No such file or directory")) {
                lines.remove(lines.size() - 1);
            }
            return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        }
    };

    private final String id;
    private final String extension;
    final List<String> defaultCompileArgs;
    final List<String> defaultLinkArgs;
    final List<String> defaultInterpreterArgs;
    private final int minProcesses;
    private final int defaultMemoryMegabytes;

    Language(
            String id,
            String extension,
            List<String> defaultCompileArgs,
            List<String> defaultLinkArgs,
            List<String> defaultInterpreterArgs,
            int minProcesses,
            int defaultMemoryMegabytes) {
        this.id = id;
        this.extension = extension;
        this.defaultCompileArgs = defaultCompileArgs;
        this.defaultLinkArgs = defaultLinkArgs;
        this.defaultInterpreterArgs = defaultInterpreterArgs;
        this.minProcesses = minProcesses;
        this.defaultMemoryMegabytes = defaultMemoryMegabytes;
    }

    /** Jobe's language id, e.g. {@code python3}, {@code cpp}. */
    public String id() {
        return id;
    }

    public static Optional<Language> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.toLowerCase(Locale.ROOT);
        for (Language language : values()) {
            if (language.id.equals(wanted)) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }

    /** The source's name when the request names none: {@code prog.<ext>} (Java: its class). */
    String defaultSourceFileName(String sourceCode) {
        return "prog." + extension;
    }

    /** The compile (or syntax check) command; empty when the language has none. */
    List<String> compile(String source, RunParameters p) {
        return List.of();
    }

    /** The command that runs the program. Compiled languages run {@code ./prog}. */
    List<String> run(String source, RunParameters p) {
        List<String> command = new ArrayList<>(List.of("./prog"));
        command.addAll(or(p.runArgs(), List.of()));
        return command;
    }

    /** Fewer processes than this and the runtime cannot start (JVM and Node threads). */
    int minProcesses() {
        return minProcesses;
    }

    /** Memory when the request says 0 ("no limit"): the language's need, or Jobe's 400 MB. */
    int memoryMegabytes(int requested) {
        if (requested > 0) {
            return Math.max(requested, defaultMemoryMegabytes > 0 ? 256 : 16);
        }
        return defaultMemoryMegabytes > 0 ? defaultMemoryMegabytes : 400;
    }

    /** Jobe's default {@code memorylimit}: 400 MB. */
    static final int JOBE_MEMORY_MEGABYTES = 400;

    /**
     * The address space a Jobe run gets (runguard's {@code --memsize}, RLIMIT_AS) for the request's
     * {@code memorylimit} (0: Jobe's default for the language), in Jobe's megabytes of 1000 KiB; 0
     * for none.
     */
    int addressSpaceMegabytes(int requested) {
        return requested > 0 ? requested : JOBE_MEMORY_MEGABYTES;
    }

    /** Jobe's filter of the program's stderr before it is diagnosed and answered. */
    String filteredStderr(String stderr) {
        return stderr;
    }

    /** Whether stderr names a memory exhaustion the runtime caught itself. */
    boolean reportsOutOfMemory(String stderr) {
        return stderr.contains("java.lang.OutOfMemoryError") || stderr.contains("MemoryError");
    }

    List<String> compiler(String compiler, String source, RunParameters p) {
        List<String> command = new ArrayList<>(List.of(compiler));
        command.addAll(or(p.compileArgs(), defaultCompileArgs));
        command.addAll(List.of("-o", "prog", source));
        command.addAll(or(p.linkArgs(), defaultLinkArgs));
        return command;
    }

    static List<String> with(
            String program, List<String> interpreterArgs, String source, RunParameters p) {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(interpreterArgs);
        command.add(source);
        command.addAll(or(p.runArgs(), List.of()));
        return command;
    }

    static List<String> or(List<String> given, List<String> fallback) {
        return given != null ? given : fallback;
    }
}
