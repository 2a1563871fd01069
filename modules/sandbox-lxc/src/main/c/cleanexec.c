/*
 * cleanexec: closes every inherited descriptor above stderr, then execs its arguments.
 *
 * Installed in the sandboxes' base image as /usr/local/lib/codaipro/cleanexec. sandboxd attaches
 * to a sandbox as the sandbox's root (an unprivileged host uid) and runs this first, so no
 * descriptor of the attaching process can reach student code, and no student process (uid 1000)
 * can open one through /proc in between: it belongs to another user.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: cleanexec PROGRAM [ARG...]\n", stderr);
		return 127;
	}
	if (close_range(3, ~0U, 0) != 0) {
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
