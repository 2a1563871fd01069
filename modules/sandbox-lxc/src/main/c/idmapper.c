/*
 * idmapper: makes idmapped bind mounts for sandboxd, so that every sandbox gets a host id range of
 * its own while all of them share one base image on disk.
 *
 * The base image (and every workspace volume) is stored shifted to the canonical range
 * FROM..FROM+COUNT-1. For a sandbox whose user namespace maps its ids to TO..TO+COUNT-1, sandboxd
 * asks for an idmapped view of the image (the overlay's lower layer) and of each volume in which
 * canonical id FROM+n appears as TO+n. Nothing on disk is chowned.
 *
 * A JVM cannot fork a child into a new user namespace safely, and an idmapped mount needs one, so
 * this small program does it. It runs as a co-process of sandboxd (root) and reads one request per
 * line on stdin:
 *
 *     mount SOURCE TARGET FROM TO COUNT FLAGS
 *     inject SOURCE TARGET FROM TO COUNT FLAGS PID
 *
 * "inject" mounts the idmapped view at TARGET inside the mount namespace of process PID (a running
 * sandbox's init), which is how a volume reaches a sandbox taken from the warm pool: a child joins
 * that namespace and attaches the view there, resolving TARGET in the sandbox's root without
 * following any symbolic link (the sandbox's files are not to be trusted).
 *
 * FLAGS is a comma-separated subset of ro,nosuid,nodev,noexec or "-". Paths must be absolute and
 * contain no spaces (sandboxd builds them itself). It answers one line on stdout: "ok" or
 * "error <reason>". It exits at end of input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t length = (ssize_t)strlen(text);
	ssize_t written = write(fd, text, (size_t)length);
	int saved = errno;
	close(fd);
	errno = saved;
	return written == length ? 0 : -1;
}

/* A descriptor of a new user namespace mapping FROM.. to TO.. for uids and gids, or -1. */
static int user_namespace(long from, long to, long count, const char **failed)
{
	int ready[2], release[2];
	if (pipe2(ready, O_CLOEXEC) || pipe2(release, O_CLOEXEC)) {
		*failed = "pipe";
		return -1;
	}
	pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (child < 0) {
		*failed = "clone";
		return -1;
	}
	if (child == 0) {
		char byte = 0;
		close(ready[0]);
		close(release[1]);
		/* Tell the parent the namespace exists, then wait until it has what it needs. */
		if (write(ready[1], &byte, 1) != 1)
			_exit(1);
		(void)read(release[0], &byte, 1);
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	char byte;
	int fd = -1;
	char path[64], map[96];
	if (read(ready[0], &byte, 1) != 1) {
		*failed = "namespace child";
		goto out;
	}
	snprintf(map, sizeof map, "%ld %ld %ld\n", from, to, count);
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
	if (write_file(path, map)) {
		*failed = "uid_map";
		goto out;
	}
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
	if (write_file(path, map)) {
		*failed = "gid_map";
		goto out;
	}
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		*failed = "open ns/user";
out:
	close(ready[0]);
	close(release[1]); /* the child reads end-of-file and exits */
	int saved = errno;
	waitpid(child, NULL, 0);
	errno = saved;
	return fd;
}

static unsigned long long flags_of(const char *text, int *bad)
{
	unsigned long long attrs = 0;
	if (strcmp(text, "-") == 0)
		return 0;
	char copy[128];
	if (strlen(text) >= sizeof copy) {
		*bad = 1;
		return 0;
	}
	strcpy(copy, text);
	for (char *save, *flag = strtok_r(copy, ",", &save); flag; flag = strtok_r(NULL, ",", &save)) {
		if (strcmp(flag, "ro") == 0)
			attrs |= MOUNT_ATTR_RDONLY;
		else if (strcmp(flag, "nosuid") == 0)
			attrs |= MOUNT_ATTR_NOSUID;
		else if (strcmp(flag, "nodev") == 0)
			attrs |= MOUNT_ATTR_NODEV;
		else if (strcmp(flag, "noexec") == 0)
			attrs |= MOUNT_ATTR_NOEXEC;
		else
			*bad = 1;
	}
	return attrs;
}

/* A detached idmapped clone of SOURCE (ids FROM.. on disk seen as TO..) with ATTRS, or -1. */
static int idmapped_tree(const char *source, long from, long to, long count,
			 unsigned long long attrs, const char **failed)
{
	int userns = user_namespace(from, to, count, failed);
	if (userns < 0)
		return -1;
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (tree < 0) {
		*failed = "open_tree";
	} else {
		struct mount_attr attr = {
			.attr_set = MOUNT_ATTR_IDMAP | attrs,
			.userns_fd = (unsigned long long)userns,
		};
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr)) {
			*failed = "mount_setattr";
			int saved = errno;
			close(tree);
			errno = saved;
			tree = -1;
		}
	}
	int saved = errno;
	close(userns);
	errno = saved;
	return tree;
}

static const char *idmapped_mount(const char *source, const char *target, long from, long to,
				  long count, unsigned long long attrs)
{
	const char *failed = NULL;
	int tree = idmapped_tree(source, from, to, count, attrs, &failed);
	if (tree < 0)
		return failed;
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		failed = "move_mount";
	int saved = errno;
	close(tree);
	errno = saved;
	return failed;
}

/* Attaches TREE at TARGET in the mount namespace of PID; a child does it, so this one stays. */
static const char *inject(int tree, long pid, const char *target)
{
	static const char *steps[] = { NULL, "setns", "open target", "move_mount" };
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/ns/mnt", pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return "open ns/mnt";
	int report[2];
	if (pipe2(report, O_CLOEXEC)) {
		close(ns);
		return "pipe";
	}
	pid_t child = fork();
	if (child < 0) {
		int saved = errno;
		close(ns);
		close(report[0]);
		close(report[1]);
		errno = saved;
		return "fork";
	}
	if (child == 0) {
		int result[2] = { 0, 0 };
		close(report[0]);
		/* Joining a mount namespace also moves this process's root into it. */
		if (setns(ns, CLONE_NEWNS)) {
			result[0] = 1;
		} else {
			struct open_how how = {
				.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
			};
			int dir = (int)syscall(SYS_openat2, AT_FDCWD, target, &how, sizeof how);
			if (dir < 0)
				result[0] = 2;
			else if (syscall(SYS_move_mount, tree, "", dir, "",
					 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
				result[0] = 3;
		}
		result[1] = errno;
		_exit(write(report[1], result, sizeof result) == sizeof result && !result[0] ? 0 : 1);
	}
	close(ns);
	close(report[1]);
	int result[2];
	ssize_t got = read(report[0], result, sizeof result);
	close(report[0]);
	waitpid(child, NULL, 0);
	if (got != (ssize_t)sizeof result || result[0] < 0 || result[0] > 3) {
		errno = EIO;
		return "namespace child";
	}
	errno = result[1];
	return steps[result[0]];
}

static const char *idmapped_inject(const char *source, const char *target, long from, long to,
				   long count, unsigned long long attrs, long pid)
{
	const char *failed = NULL;
	int tree = idmapped_tree(source, from, to, count, attrs, &failed);
	if (tree < 0)
		return failed;
	failed = inject(tree, pid, target);
	int saved = errno;
	close(tree);
	errno = saved;
	return failed;
}

static int number(const char *text, long *value)
{
	char *end;
	errno = 0;
	*value = strtol(text, &end, 10);
	return errno || *end || *value < 0 || *value > 4294967295L ? -1 : 0;
}

int main(void)
{
	char line[8192];
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof line, stdin)) {
		char *words[8];
		int n = 0;
		for (char *save, *word = strtok_r(line, " \n", &save); word && n < 8;
		     word = strtok_r(NULL, " \n", &save))
			words[n++] = word;
		long from, to, count, pid = 0;
		int bad = 0;
		int injecting = n == 8 && strcmp(words[0], "inject") == 0;
		if (!(injecting || (n == 7 && strcmp(words[0], "mount") == 0)) ||
		    words[1][0] != '/' || words[2][0] != '/' || number(words[3], &from) ||
		    number(words[4], &to) || number(words[5], &count) || count == 0 ||
		    (injecting && (number(words[7], &pid) || pid == 0))) {
			printf("error malformed request\n");
			continue;
		}
		unsigned long long attrs = flags_of(words[6], &bad);
		if (bad) {
			printf("error unknown flag\n");
			continue;
		}
		const char *failed =
			injecting ? idmapped_inject(words[1], words[2], from, to, count, attrs, pid)
				  : idmapped_mount(words[1], words[2], from, to, count, attrs);
		if (failed)
			printf("error %s: %s\n", failed, strerror(errno));
		else
			printf("ok\n");
	}
	return 0;
}
