package apply

import (
	"fmt"
	"os"
	"path"
	"strconv"

	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Placement puts threads on CPUs of a host, tuned or not: on an isolated
// CPU a thread first enters rtnode's isolated cpuset (cgroup v1: the thread
// alone; v2: the partition holds the whole process), elsewhere it is only
// pinned. rtbench places its measurement threads with it, rtnode exec its
// program.
type Placement struct {
	root     hostfs.Root
	dir      string
	version  int
	online   cpuset.CPUSet
	Isolated cpuset.CPUSet
}

// NewPlacement reads where rtnode isolated CPUs on the machine, if it did.
func NewPlacement(root hostfs.Root, m *topology.Machine) Placement {
	p := Placement{root: root, version: m.Cgroup.CPUSetVersion, online: m.OnlineCPUs(), Isolated: cpuset.New()}
	if m.Cgroup.CPUSetMount != "" {
		p.dir = path.Join(m.Cgroup.CPUSetMount, plan.IsolatedCgroup)
		if iso, err := IsolatedCPUs(root, m.Cgroup.CPUSetMount); err == nil {
			p.Isolated = iso
		}
	}
	return p
}

// Prepare checks the CPUs exist, are online and, where isolated, free; with
// cgroup v2 it moves the process into the partition when it will measure
// there.
func (p Placement) Prepare(cpus cpuset.CPUSet) error {
	if off := cpus.Difference(p.online); !off.IsEmpty() {
		return fmt.Errorf("cpus %s are not online cpus of this machine (online: %s)", off, p.online)
	}
	iso := cpus.Intersection(p.Isolated)
	if iso.IsEmpty() {
		return nil
	}
	if err := CheckFree(p.root, path.Dir(p.dir), iso); err != nil {
		return err
	}
	if p.version == 2 {
		if err := p.root.WriteFile(strconv.Itoa(os.Getpid()), p.dir, "cgroup.procs"); err != nil {
			return fmt.Errorf("enter the isolated partition: %w", err)
		}
	}
	return nil
}

// Thread places the calling OS thread (locked by the caller) on cpu with
// SCHED_FIFO priority prio (0: leave the policy alone).
func (p Placement) Thread(cpu, prio int) error {
	if p.Isolated.Contains(cpu) && p.version == 1 {
		if err := p.root.WriteFile(strconv.Itoa(unix.Gettid()), p.dir, "tasks"); err != nil {
			return fmt.Errorf("enter the isolated cpuset: %w", err)
		}
	}
	if err := unix.SchedSetaffinity(0, toMask(cpuset.New(cpu))); err != nil {
		return fmt.Errorf("pin to cpu %d: %w", cpu, err)
	}
	if prio > 0 {
		attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: uint32(prio)}
		if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
			return fmt.Errorf("SCHED_FIFO priority %d: %w", prio, err)
		}
	}
	return nil
}
