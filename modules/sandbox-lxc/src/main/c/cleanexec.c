/*
 * cleanexec: the first program of every run in a sandbox. Installed in the base image as
 * /usr/local/lib/codaipro/cleanexec; sandboxd attaches as the sandbox's root and runs
 *
 *     cleanexec UID GID CPU_SECONDS PROGRAM [ARG...]
 *
 * which, in one process and before any student code runs:
 *   1. closes every inherited descriptor above stderr (liblxc's attach passes on the attaching
 *      process's descriptors; as the sandbox's root no student process can open them via /proc);
 *   2. starts a new session, so the whole run can be killed as one process group, and takes
 *      stdin as its controlling terminal when it is one (interactive shells);
 *   3. sets RLIMIT_CPU to CPU_SECONDS (SIGXCPU) and one second more (SIGKILL);
 *   4. drops to UID/GID with no supplementary groups;
 *   5. execs PROGRAM, looked up on PATH.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

static long number(const char *text, const char *what)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || value < 0) {
		fprintf(stderr, "cleanexec: bad %s: %s\n", what, text);
		exit(127);
	}
	return value;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fputs("usage: cleanexec UID GID CPU_SECONDS PROGRAM [ARG...]\n", stderr);
		return 127;
	}
	uid_t uid = (uid_t)number(argv[1], "uid");
	gid_t gid = (gid_t)number(argv[2], "gid");
	rlim_t cpu = (rlim_t)number(argv[3], "cpu seconds");

	if (close_range(3, ~0U, 0) != 0) {
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	}
	/* Fails only when already a session leader, which is as good. */
	setsid();
	if (isatty(STDIN_FILENO) && ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0)
		perror("cleanexec: controlling terminal");
	struct rlimit limit = { .rlim_cur = cpu, .rlim_max = cpu + 1 };
	if (setrlimit(RLIMIT_CPU, &limit) != 0) {
		perror("cleanexec: setrlimit");
		return 127;
	}
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		perror("cleanexec: dropping privileges");
		return 127;
	}
	if (uid != 0 && setuid(0) == 0) {
		fputs("cleanexec: privileges could be regained\n", stderr);
		return 127;
	}
	execvp(argv[4], argv + 4);
	perror(argv[4]);
	return 127;
}
