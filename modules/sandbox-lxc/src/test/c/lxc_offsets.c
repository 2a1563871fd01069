/* Prints the offsets LxcAbi hard-codes, as compiled against the installed liblxc headers. */
#include <stddef.h>
#include <stdio.h>
#include <lxc/lxccontainer.h>

#define C(name, member) printf("%s=%zu\n", name, offsetof(struct lxc_container, member))

int main(void)
{
	C("ERROR_NUM", error_num);
	C("IS_DEFINED", is_defined);
	C("STATE", state);
	C("IS_RUNNING", is_running);
	C("INIT_PID", init_pid);
	C("STOP", stop);
	C("WAIT", wait);
	C("SET_CONFIG_ITEM", set_config_item);
	C("GET_CONFIG_ITEM", get_config_item);
	C("GET_CGROUP_ITEM", get_cgroup_item);
	C("SET_CGROUP_ITEM", set_cgroup_item);
	return 0;
}
