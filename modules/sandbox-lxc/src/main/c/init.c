/*
 * init: PID 1 of every sandbox, installed in the base image as /usr/local/lib/codaipro/init.
 *
 *   1. brings loopback up (a new network namespace starts with it down);
 *   2. ignores SIGCHLD, so the kernel reaps every orphan reparented to it at once;
 *   3. sleeps until the sandbox is stopped (SIGKILL from the host; as PID 1 of its namespace it
 *      gets no signal from inside that it has no handler for).
 *
 * It replaces a shell script under tini (sh, ip and sleep at every start), which cost a sandbox
 * start three programs' worth of execs.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("init: socket");
		return;
	}
	struct ifreq request;
	memset(&request, 0, sizeof(request));
	strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
		perror("init: loopback flags");
	} else if (!(request.ifr_flags & IFF_UP)) {
		request.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &request) != 0)
			perror("init: loopback up");
	}
	close(fd);
}

int main(void)
{
	loopback_up();
	signal(SIGCHLD, SIG_IGN);
	for (;;)
		pause();
}
