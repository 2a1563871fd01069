/* Prints the offsets LxcAbi hard-codes, as compiled against the installed liblxc headers. */
#include <stddef.h>
#include <stdio.h>
#include <lxc/lxccontainer.h>
#include <lxc/attach_options.h>

#define C(name, member) printf("%s=%zu\n", name, offsetof(struct lxc_container, member))
#define A(name, member) printf("%s=%zu\n", name, offsetof(lxc_attach_options_t, member))

int main(void)
{
	C("ERROR_NUM", error_num);
	C("IS_DEFINED", is_defined);
	C("STATE", state);
	C("IS_RUNNING", is_running);
	C("INIT_PID", init_pid);
	C("START", start);
	C("STOP", stop);
	C("WANT_DAEMONIZE", want_daemonize);
	C("WANT_CLOSE_ALL_FDS", want_close_all_fds);
	C("WAIT", wait);
	C("SET_CONFIG_ITEM", set_config_item);
	C("GET_CONFIG_ITEM", get_config_item);
	C("GET_CGROUP_ITEM", get_cgroup_item);
	C("SET_CGROUP_ITEM", set_cgroup_item);
	C("ATTACH", attach);
	printf("ATTACH_OPTIONS_SIZE=%zu\n", sizeof(lxc_attach_options_t));
	A("OPT_ATTACH_FLAGS", attach_flags);
	A("OPT_NAMESPACES", namespaces);
	A("OPT_PERSONALITY", personality);
	A("OPT_INITIAL_CWD", initial_cwd);
	A("OPT_UID", uid);
	A("OPT_GID", gid);
	A("OPT_ENV_POLICY", env_policy);
	A("OPT_EXTRA_ENV_VARS", extra_env_vars);
	A("OPT_EXTRA_KEEP_ENV", extra_keep_env);
	A("OPT_STDIN_FD", stdin_fd);
	A("OPT_STDOUT_FD", stdout_fd);
	A("OPT_STDERR_FD", stderr_fd);
	A("OPT_LOG_FD", log_fd);
	A("OPT_LSM_LABEL", lsm_label);
	A("OPT_GROUPS", groups);
	printf("LXC_ATTACH_DEFAULT=%d\n", LXC_ATTACH_DEFAULT);
	printf("LXC_ATTACH_CLEAR_ENV=%d\n", LXC_ATTACH_CLEAR_ENV);
	return 0;
}
