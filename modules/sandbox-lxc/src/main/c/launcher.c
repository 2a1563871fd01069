/*
 * launcher: sandboxd's co-process for the two liblxc calls that fork the caller, starting a
 * container and attaching a program to it. liblxc forks the process that calls them, and a fork
 * costs in proportion to the caller's memory: the JVM's hundred-odd megabytes made every run pay
 * for copying and then tearing down its page tables (the largest cost of a short run, measured in
 * docs/development/README.md). This process is a few hundred kilobytes, so its forks are cheap,
 * and it is also what the LXC attach CVEs would target instead of the daemon.
 *
 * sandboxd starts it with one end of a SOCK_SEQPACKET socket pair as its stdin. One message is one
 * request; every request gets exactly one reply, in order. Integers are host-endian.
 *
 *   request: u32 type, u32 tag, u32 argc, u32 envc, then NUL-terminated strings:
 *            lxcpath, name, cwd, argc program arguments, envc environment entries
 *     START  (1) start the container daemonized, all inherited descriptors closed
 *     ATTACH (2) run argv in all its namespaces and its cgroup, as root in it, with the clear
 *                environment envc; exactly three descriptors (stdin, stdout, stderr) travel
 *                with the message (SCM_RIGHTS)
 *     FORGET (3) drop the cached handle of a container (it stopped)
 *   reply:   u32 type, u32 tag, i32 value, i32 status, u64 cpu_micros, char message[200]
 *     OK    (1) value: the attached program's host pid (ATTACH), else 0
 *     ERROR (2) value: an errno, message: what failed
 *     EXIT  (3) tag 0, value: the pid of an attached program that ended, status: its wait
 *               status, cpu_micros: user + system CPU of it and its waited-for descendants
 *
 * An attached program is this process's child (liblxc clones it with CLONE_PARENT); a pidfd per
 * program tells when to reap it. End of input (sandboxd gone) ends the launcher.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#define CONTROL 0
#define MAX_REQUEST (64 * 1024)
#define MAX_STRINGS 4096

enum { START = 1, ATTACH = 2, FORGET = 3 };
enum { OK = 1, ERROR = 2, EXIT = 3 };

struct header {
	uint32_t type;
	uint32_t tag;
	uint32_t argc;
	uint32_t envc;
};

struct reply {
	uint32_t type;
	uint32_t tag;
	int32_t value;
	int32_t status;
	uint64_t cpu_micros;
	char message[200];
};

/* Handles of running containers, so a run does not parse the container's config again. */
struct cached {
	char *lxcpath;
	char *name;
	struct lxc_container *container;
	struct cached *next;
};

static struct cached *cache;
static int epoll_fd;

static void send_reply(uint32_t type, uint32_t tag, int32_t value, int32_t status,
		       uint64_t cpu_micros, const char *message)
{
	struct reply reply = { .type = type, .tag = tag, .value = value, .status = status,
			       .cpu_micros = cpu_micros };
	if (message)
		snprintf(reply.message, sizeof(reply.message), "%s", message);
	/* MSG_NOSIGNAL: sandboxd gone is an end, not a crash. */
	if (send(CONTROL, &reply, sizeof(reply), MSG_NOSIGNAL) != sizeof(reply))
		exit(errno == EPIPE ? 0 : 70);
}

static void fail(uint32_t tag, int error, const char *what)
{
	char message[200];
	snprintf(message, sizeof(message), "%s: %s", what, strerror(error));
	send_reply(ERROR, tag, error, 0, 0, message);
}

static struct cached **find(const char *lxcpath, const char *name)
{
	struct cached **link = &cache;
	while (*link && (strcmp((*link)->name, name) || strcmp((*link)->lxcpath, lxcpath)))
		link = &(*link)->next;
	return link;
}

static struct lxc_container *container(const char *lxcpath, const char *name)
{
	struct cached **link = find(lxcpath, name);
	if (*link)
		return (*link)->container;
	struct lxc_container *opened = lxc_container_new(name, lxcpath);
	if (!opened)
		return NULL;
	struct cached *entry = calloc(1, sizeof(*entry));
	if (!entry || !(entry->lxcpath = strdup(lxcpath)) || !(entry->name = strdup(name))) {
		fputs("sandboxd launcher: out of memory\n", stderr);
		exit(71);
	}
	entry->container = opened;
	entry->next = cache;
	cache = entry;
	return opened;
}

static void forget(const char *lxcpath, const char *name)
{
	struct cached **link = find(lxcpath, name);
	struct cached *entry = *link;
	if (!entry)
		return;
	*link = entry->next;
	lxc_container_put(entry->container);
	free(entry->lxcpath);
	free(entry->name);
	free(entry);
}

static void start(uint32_t tag, const char *lxcpath, const char *name)
{
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	if (!c) {
		fail(tag, ENOENT, "no such container");
		return;
	}
	c->want_daemonize(c, true);
	/* The container's processes must not inherit this one's descriptors. */
	c->want_close_all_fds(c, true);
	bool started = c->start(c, 0, NULL);
	lxc_container_put(c);
	if (started)
		send_reply(OK, tag, 0, 0, 0, NULL);
	else
		send_reply(ERROR, tag, EIO, 0, 0, "liblxc could not start the container");
}

static void attach(uint32_t tag, const char *lxcpath, const char *name, const char *cwd,
		   char **argv, char **env, const int fds[3])
{
	struct lxc_container *c = container(lxcpath, name);
	if (!c) {
		fail(tag, ENOENT, "no such container");
		return;
	}
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	options.initial_cwd = (char *)cwd;
	options.uid = 0;
	options.gid = 0;
	options.env_policy = LXC_ATTACH_CLEAR_ENV;
	options.extra_env_vars = env;
	options.stdin_fd = fds[0];
	options.stdout_fd = fds[1];
	options.stderr_fd = fds[2];
	options.log_fd = -EBADF;
	lxc_attach_command_t command = { .program = argv[0], .argv = argv };
	pid_t pid;
	if (c->attach(c, lxc_attach_run_command, &command, &options, &pid) != 0) {
		send_reply(ERROR, tag, EIO, 0, 0, "liblxc could not attach to the container");
		return;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct epoll_event event = { .events = EPOLLIN, .data.u64 = ((uint64_t)pidfd << 32) | (uint32_t)pid };
	if (pidfd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, pidfd, &event) != 0) {
		int error = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail(tag, error, "cannot watch the attached program");
		return;
	}
	send_reply(OK, tag, pid, 0, 0, NULL);
}

static void reap(uint64_t data)
{
	int pidfd = (int)(data >> 32);
	pid_t pid = (pid_t)(data & 0xffffffff);
	int status;
	struct rusage usage;
	pid_t ended = wait4(pid, &status, WNOHANG, &usage);
	if (ended == 0)
		return;
	epoll_ctl(epoll_fd, EPOLL_CTL_DEL, pidfd, NULL);
	close(pidfd);
	if (ended < 0) {
		/* Not ours after all: say so rather than leave sandboxd waiting. */
		send_reply(EXIT, 0, pid, 0x7f, 0, "not a child of the launcher");
		return;
	}
	uint64_t micros = (uint64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec +
			  (uint64_t)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
	send_reply(EXIT, 0, pid, status, micros, NULL);
}

/* Splits count NUL-terminated strings off text; false if there are not that many. */
static bool split(char *text, size_t length, char **strings, uint32_t count)
{
	char *end = text + length;
	for (uint32_t i = 0; i < count; i++) {
		char *nul = memchr(text, '\0', (size_t)(end - text));
		if (!nul)
			return false;
		strings[i] = text;
		text = nul + 1;
	}
	return text == end;
}

static void handle_request(void)
{
	static char buffer[MAX_REQUEST];
	static char *strings[MAX_STRINGS + 3];
	char control[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { .iov_base = buffer, .iov_len = sizeof(buffer) };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = sizeof(control) };
	ssize_t length = recvmsg(CONTROL, &message, MSG_CMSG_CLOEXEC);
	if (length == 0)
		exit(0);
	if (length < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		perror("sandboxd launcher: recvmsg");
		exit(70);
	}
	int fds[3] = { -1, -1, -1 };
	int fd_count = 0;
	for (struct cmsghdr *part = CMSG_FIRSTHDR(&message); part; part = CMSG_NXTHDR(&message, part)) {
		if (part->cmsg_level != SOL_SOCKET || part->cmsg_type != SCM_RIGHTS)
			continue;
		int n = (int)((part->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		int *received = (int *)CMSG_DATA(part);
		for (int i = 0; i < n; i++) {
			if (fd_count < 3)
				fds[fd_count++] = received[i];
			else
				close(received[i]);
		}
	}
	struct header header;
	if ((size_t)length < sizeof(header) || (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		fail(0, EINVAL, "malformed request");
		goto done;
	}
	memcpy(&header, buffer, sizeof(header));
	uint32_t count = 3;
	if (header.argc > MAX_STRINGS || header.envc > MAX_STRINGS - header.argc ||
	    !split(buffer + sizeof(header), (size_t)length - sizeof(header), strings,
		   count + header.argc + header.envc)) {
		fail(header.tag, EINVAL, "malformed request");
		goto done;
	}
	char *lxcpath = strings[0], *name = strings[1], *cwd = strings[2];
	switch (header.type) {
	case START:
		start(header.tag, lxcpath, name);
		break;
	case ATTACH: {
		if (fd_count != 3 || header.argc < 1) {
			fail(header.tag, EINVAL, "a run needs a program and three descriptors");
			break;
		}
		/* Both lists NULL-terminated, in place: argv ends where env begins. */
		char *argv[MAX_STRINGS + 1];
		char *env[MAX_STRINGS + 1];
		memcpy(argv, strings + count, header.argc * sizeof(char *));
		argv[header.argc] = NULL;
		memcpy(env, strings + count + header.argc, header.envc * sizeof(char *));
		env[header.envc] = NULL;
		attach(header.tag, lxcpath, name, cwd, argv, env, fds);
		break;
	}
	case FORGET:
		forget(lxcpath, name);
		send_reply(OK, header.tag, 0, 0, 0, NULL);
		break;
	default:
		fail(header.tag, EINVAL, "unknown request");
	}
done:
	for (int i = 0; i < fd_count; i++)
		close(fds[i]);
}

int main(void)
{
	/* Gone with sandboxd, whatever holds a copy of the socket. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 0;
	int type;
	socklen_t size = sizeof(type);
	if (getsockopt(CONTROL, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_SEQPACKET) {
		fputs("sandboxd launcher: stdin must be sandboxd's SOCK_SEQPACKET socket\n", stderr);
		return 64;
	}
	if (fcntl(CONTROL, F_SETFD, FD_CLOEXEC) != 0 ||
	    (epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		perror("sandboxd launcher");
		return 70;
	}
	struct epoll_event event = { .events = EPOLLIN, .data.u64 = UINT64_MAX };
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, CONTROL, &event) != 0) {
		perror("sandboxd launcher: epoll");
		return 70;
	}
	for (;;) {
		struct epoll_event ready[64];
		int n = epoll_wait(epoll_fd, ready, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("sandboxd launcher: epoll_wait");
			return 70;
		}
		for (int i = 0; i < n; i++) {
			if (ready[i].data.u64 == UINT64_MAX)
				handle_request();
			else
				reap(ready[i].data.u64);
		}
	}
}
