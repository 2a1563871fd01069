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
 *
 * FLAGS is a comma-separated subset of ro,nosuid,nodev,noexec or "-". Paths must be absolute and
 * contain no spaces (sandboxd builds them itself). It answers one line on stdout: "ok" or
 * "error <reason>". It exits at end of input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
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

static const char *idmapped_mount(const char *source, const char *target, long from, long to,
				  long count, unsigned long long attrs)
{
	const char *failed = NULL;
	int userns = user_namespace(from, to, count, &failed);
	if (userns < 0)
		return failed;
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (tree < 0) {
		failed = "open_tree";
		goto out;
	}
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP | attrs,
		.userns_fd = (unsigned long long)userns,
	};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr)) {
		failed = "mount_setattr";
		goto out;
	}
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		failed = "move_mount";
out:;
	int saved = errno;
	if (tree >= 0)
		close(tree);
	close(userns);
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
		long from, to, count;
		int bad = 0;
		if (n != 7 || strcmp(words[0], "mount") || words[1][0] != '/' || words[2][0] != '/' ||
		    number(words[3], &from) || number(words[4], &to) || number(words[5], &count) ||
		    count == 0) {
			printf("error malformed request\n");
			continue;
		}
		unsigned long long attrs = flags_of(words[6], &bad);
		if (bad) {
			printf("error unknown flag\n");
			continue;
		}
		const char *failed = idmapped_mount(words[1], words[2], from, to, count, attrs);
		if (failed)
			printf("error %s: %s\n", failed, strerror(errno));
		else
			printf("ok\n");
	}
	return 0;
}
