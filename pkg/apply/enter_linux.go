package apply

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

// isolatedCPUs returns the CPUs of rtnode's isolated cpuset below the
// cpuset mount; an error says the host is not tuned.
func isolatedCPUs(root hostfs.Root, cpusetMount string) (cpuset.CPUSet, error) {
	dir := path.Join(cpusetMount, plan.IsolatedCgroup)
	s, err := root.ReadString(dir, "cpuset.cpus")
	if err != nil || strings.TrimSpace(s) == "" {
		return cpuset.New(), fmt.Errorf("no cpus are isolated: %s does not exist or is empty (run rtnode apply first)", dir)
	}
	return topology.ParseCPUList(s)
}

// checkFree returns an error naming a task of the isolated cpuset that may
// already run on one of cpus (another exec'd program, a benchmark).
func checkFree(root hostfs.Root, cpusetMount string, cpus cpuset.CPUSet) error {
	dir := path.Join(cpusetMount, plan.IsolatedCgroup)
	procs, _ := root.ReadString(dir, "cgroup.procs")
	fs, err := discover.ProcFS(root)
	if err != nil {
		return err
	}
	for _, f := range strings.Fields(procs) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid == os.Getpid() {
			continue
		}
		name, allowed, err := discover.ProcessCPUs(fs, pid)
		if err != nil {
			continue
		}
		if on := allowed.Intersection(cpus); !on.IsEmpty() {
			return fmt.Errorf("cpus %s are not free: pid %d (%s) runs on them", on, pid, name)
		}
	}
	return nil
}

// EnterIsolated puts the calling thread on cpus (all isolated CPUs when
// empty) of rtnode's isolated cpuset, refusing CPUs that are not isolated
// or not free; the caller then execs and the new program inherits both. It
// locks the calling goroutine to its thread and uses the same Placement
// rtbench's threads use.
func EnterIsolated(root hostfs.Root, m *topology.Machine, cpus cpuset.CPUSet) error {
	p := NewPlacement(root, m)
	if p.notTuned != nil {
		return p.notTuned
	}
	if cpus.IsEmpty() {
		cpus = p.Isolated
	}
	if !cpus.IsSubsetOf(p.Isolated) {
		return fmt.Errorf("cpus %s are not isolated (isolated: %s)", cpus.Difference(p.Isolated), p.Isolated)
	}
	if err := p.Prepare(cpus); err != nil {
		return err
	}
	runtime.LockOSThread()
	return p.ThreadOn(cpus, 0)
}
