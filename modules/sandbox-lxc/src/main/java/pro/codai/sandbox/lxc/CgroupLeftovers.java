package pro.codai.sandbox.lxc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Removes the cgroups liblxc leaves behind. liblxc 5.0 creates {@code lxc.monitor.NAME} and {@code
 * lxc.payload.NAME} beside the starting process's own cgroup in every hierarchy, and a stopped
 * container's monitor cgroup stays behind, empty (seen on every stop). Each leftover costs kernel
 * memory, and on cgroup v1 every new cpuset walks all of them: thousands of leftovers made each
 * sandbox start measurably slower. So the driver removes a sandbox's cgroups when it stops, and its
 * reaper removes those of its own sandboxes at start.
 *
 * <p>Only directories named after this driver's sandboxes are touched, never followed through
 * links, and only empty cgroups can be removed: the kernel refuses one that still has processes.
 */
final class CgroupLeftovers {

    private static final Logger LOG = Logger.getLogger(CgroupLeftovers.class.getName());

    static final List<String> PREFIXES = List.of("lxc.monitor.", "lxc.payload.");

    private static final List<Long> RETRY_DELAYS_MILLIS = List.of(20L, 100L, 500L, 2000L, 10000L);

    private static final ScheduledExecutorService RETRIES =
            Executors.newSingleThreadScheduledExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "sandboxd-cgroup-cleanup");
                        thread.setDaemon(true);
                        return thread;
                    });

    private enum Removal {
        REMOVED,
        ABSENT,
        BUSY
    }

    private final List<Path> bases;

    /**
     * @param bases the directories liblxc creates containers' cgroups in, one per hierarchy
     */
    CgroupLeftovers(List<Path> bases) {
        this.bases = List.copyOf(bases);
    }

    /** For the cgroups of this process (the launcher, which starts containers, shares them). */
    static CgroupLeftovers ofThisProcess() {
        try {
            return new CgroupLeftovers(
                    bases(
                            Files.readAllLines(Path.of("/proc/self/mountinfo")),
                            Files.readAllLines(Path.of("/proc/self/cgroup"))));
        } catch (IOException e) {
            LOG.warning("cannot read this process's cgroups; leftovers stay: " + e.getMessage());
            return new CgroupLeftovers(List.of());
        }
    }

    List<Path> bases() {
        return bases;
    }

    /**
     * Moves a process back into this process's cgroups. liblxc moves the process that starts a
     * container into the container's monitor cgroup; left there, the start launcher would keep
     * every monitor cgroup it passes through busy (so it could never be removed) and its CPU time
     * would count as a sandbox's.
     */
    void moveBack(long pid) {
        for (Path base : bases) {
            try {
                Files.writeString(base.resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException e) {
                LOG.fine(() -> "cannot move " + pid + " back to " + base + ": " + e.getMessage());
            }
        }
    }

    /**
     * Removes the cgroups of one stopped sandbox. Its monitor may still be leaving its cgroup when
     * the sandbox reports itself stopped, so what the kernel refuses is retried a few times later.
     */
    void remove(String sandboxId) {
        List<Path> busy = new ArrayList<>();
        for (Path base : bases) {
            for (String prefix : PREFIXES) {
                for (Path cgroup : named(base, prefix + sandboxId)) {
                    if (removeTree(cgroup) == Removal.BUSY) {
                        busy.add(cgroup);
                    }
                }
            }
        }
        if (!busy.isEmpty()) {
            retryLater(busy, 0);
        }
    }

    /** {@code name}, and {@code name-N}: liblxc's name when {@code name} was taken. */
    private static List<Path> named(Path base, String name) {
        List<Path> found = new ArrayList<>(List.of(base.resolve(name)));
        try (DirectoryStream<Path> variants = Files.newDirectoryStream(base, name + "-*")) {
            for (Path variant : variants) {
                if (variant.getFileName().toString().substring(name.length() + 1).matches("\\d+")) {
                    found.add(variant);
                }
            }
        } catch (IOException e) {
            // the base itself is gone: nothing to remove
        }
        return found;
    }

    private static void retryLater(List<Path> cgroups, int attempt) {
        if (attempt >= RETRY_DELAYS_MILLIS.size()) {
            LOG.fine(() -> "cgroups still busy, left to the reaper: " + cgroups);
            return;
        }
        RETRIES.schedule(
                () -> {
                    List<Path> busy =
                            cgroups.stream().filter(c -> removeTree(c) == Removal.BUSY).toList();
                    if (!busy.isEmpty()) {
                        retryLater(busy, attempt + 1);
                    }
                },
                RETRY_DELAYS_MILLIS.get(attempt),
                TimeUnit.MILLISECONDS);
    }

    /** Removes the cgroups of every sandbox whose name passes {@code ours}; returns how many. */
    int removeAll(Predicate<String> ours) {
        int removed = 0;
        for (Path base : bases) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(base)) {
                for (Path child : children) {
                    String name = child.getFileName().toString();
                    for (String prefix : PREFIXES) {
                        if (name.startsWith(prefix)
                                && ours.test(name.substring(prefix.length()))
                                && removeTree(child) == Removal.REMOVED) {
                            removed++;
                        }
                    }
                }
            } catch (IOException e) {
                LOG.fine(() -> "cannot list " + base + ": " + e.getMessage());
            }
        }
        return removed;
    }

    /** Child cgroups first (a sandbox may have made some), then the cgroup itself. */
    private static Removal removeTree(Path cgroup) {
        if (!Files.isDirectory(cgroup, LinkOption.NOFOLLOW_LINKS)) {
            return Removal.ABSENT;
        }
        try (DirectoryStream<Path> children =
                Files.newDirectoryStream(
                        cgroup, child -> Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS))) {
            for (Path child : children) {
                removeTree(child);
            }
        } catch (IOException e) {
            return Removal.ABSENT;
        }
        try {
            Files.delete(cgroup);
            return Removal.REMOVED;
        } catch (NoSuchFileException e) {
            return Removal.ABSENT;
        } catch (IOException e) {
            // EBUSY: processes still in it, so it is not a leftover yet.
            return Removal.BUSY;
        }
    }

    /**
     * The directory of this process's cgroup in every mounted hierarchy: a v1 hierarchy is the
     * mount whose options name the controllers of a {@code /proc/self/cgroup} line, v2 the {@code
     * cgroup2} mount for the line {@code 0::PATH}.
     *
     * @param mountinfo lines of {@code /proc/self/mountinfo}
     * @param ownCgroups lines of {@code /proc/self/cgroup}
     */
    static List<Path> bases(List<String> mountinfo, List<String> ownCgroups) {
        record CgroupMount(Path mountPoint, String root, boolean v2, Set<String> options) {}
        List<CgroupMount> mounts = new ArrayList<>();
        for (String line : mountinfo) {
            String[] halves = line.split(" - ", 2);
            if (halves.length != 2) {
                continue;
            }
            String[] before = halves[0].split(" ");
            String[] after = halves[1].split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            if (!after[0].equals("cgroup") && !after[0].equals("cgroup2")) {
                continue;
            }
            mounts.add(
                    new CgroupMount(
                            Path.of(unescape(before[4])),
                            unescape(before[3]),
                            after[0].equals("cgroup2"),
                            Arrays.stream(after[2].split(",")).collect(Collectors.toSet())));
        }
        List<Path> bases = new ArrayList<>();
        for (String line : ownCgroups) {
            String[] fields = line.split(":", 3);
            if (fields.length != 3) {
                continue;
            }
            List<String> controllers =
                    fields[1].isEmpty() ? List.of() : Arrays.asList(fields[1].split(","));
            String path = fields[2];
            for (CgroupMount mount : mounts) {
                boolean matches =
                        controllers.isEmpty()
                                ? mount.v2()
                                : !mount.v2() && mount.options().containsAll(controllers);
                if (!matches || !(path + "/").startsWith(mount.root().replaceAll("/$", "") + "/")) {
                    continue;
                }
                String relative =
                        path.substring(mount.root().equals("/") ? 0 : mount.root().length());
                Path base = mount.mountPoint().resolve(relative.replaceFirst("^/+", ""));
                if (!bases.contains(base)) {
                    bases.add(base);
                }
                break;
            }
        }
        return bases;
    }

    /** mountinfo escapes blanks, tabs, newlines and backslashes as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\'
                    && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
