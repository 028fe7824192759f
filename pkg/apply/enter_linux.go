package apply

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

// IsolatedCPUs returns the CPUs of rtnode's isolated cpuset below the
// cpuset mount; an error says the host is not tuned.
func IsolatedCPUs(root hostfs.Root, cpusetMount string) (cpuset.CPUSet, error) {
	dir := path.Join(cpusetMount, plan.IsolatedCgroup)
	s, err := root.ReadString(dir, "cpuset.cpus")
	if err != nil || strings.TrimSpace(s) == "" {
		return cpuset.New(), fmt.Errorf("no cpus are isolated: %s does not exist or is empty (run rtnode apply first)", dir)
	}
	return topology.ParseCPUList(s)
}

// CheckFree returns an error naming a task of the isolated cpuset that may
// already run on one of cpus (another exec'd program, a benchmark).
func CheckFree(root hostfs.Root, cpusetMount string, cpus cpuset.CPUSet) error {
	dir := path.Join(cpusetMount, plan.IsolatedCgroup)
	procs, _ := root.ReadString(dir, "cgroup.procs")
	for _, f := range strings.Fields(procs) {
		if f == strconv.Itoa(os.Getpid()) {
			continue
		}
		status, err := root.ReadString("proc", f, "status")
		if err != nil {
			continue
		}
		var name, allowed string
		for _, l := range strings.Split(status, "\n") {
			if v, ok := strings.CutPrefix(l, "Name:"); ok {
				name = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
				allowed = strings.TrimSpace(v)
			}
		}
		if set, err := topology.ParseCPUList(allowed); err == nil && !set.Intersection(cpus).IsEmpty() {
			return fmt.Errorf("cpus %s are not free: pid %s (%s) runs on them", set.Intersection(cpus), f, name)
		}
	}
	return nil
}

// EnterIsolated moves the calling process into rtnode's isolated cpuset
// and pins the calling thread to cpus; the caller then execs (the new
// program inherits both) or runs its measurement threads, which must pin
// themselves. It locks the calling goroutine to its thread.
func EnterIsolated(root hostfs.Root, cpusetMount string, cpus cpuset.CPUSet) error {
	iso, err := IsolatedCPUs(root, cpusetMount)
	if err != nil {
		return err
	}
	if !cpus.IsSubsetOf(iso) {
		return fmt.Errorf("cpus %s are not isolated (isolated: %s)", cpus.Difference(iso), iso)
	}
	if err := CheckFree(root, cpusetMount, cpus); err != nil {
		return err
	}
	runtime.LockOSThread()
	dir := path.Join(cpusetMount, plan.IsolatedCgroup)
	if err := root.WriteFile(strconv.Itoa(os.Getpid()), dir, "cgroup.procs"); err != nil {
		return fmt.Errorf("enter the isolated cpuset: %w", err)
	}
	if err := unix.SchedSetaffinity(0, toMask(cpus)); err != nil {
		return fmt.Errorf("pin to cpus %s: %w", cpus, err)
	}
	return nil
}

// CgroupMount returns the cpuset mount discovery sees, or an error.
func CgroupMount(m *topology.Machine) (string, error) {
	if m.Cgroup.CPUSetMount == "" {
		return "", fmt.Errorf("no cpuset controller is mounted")
	}
	return m.Cgroup.CPUSetMount, nil
}
