package apply

import (
	"fmt"
	"os"
	"path"

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
	// notTuned says why no CPU is isolated, when none is.
	notTuned error
}

// NewPlacement reads where rtnode isolated CPUs on the machine, if it did.
func NewPlacement(root hostfs.Root, m *topology.Machine) Placement {
	p := Placement{root: root, version: m.Cgroup.CPUSetVersion, online: m.OnlineCPUs(), Isolated: cpuset.New(),
		notTuned: fmt.Errorf("no cpus are isolated: no cpuset controller is mounted")}
	if m.Cgroup.CPUSetMount != "" {
		p.dir = path.Join(m.Cgroup.CPUSetMount, plan.IsolatedCgroup)
		p.Isolated, p.notTuned = isolatedCPUs(root, m.Cgroup.CPUSetMount)
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
	if err := checkFree(p.root, path.Dir(p.dir), iso); err != nil {
		return err
	}
	if p.version == 2 {
		if err := p.enter(); err != nil {
			return fmt.Errorf("enter the isolated partition: %w", err)
		}
	}
	return nil
}

// Thread places the calling OS thread (locked by the caller) on cpu with
// SCHED_FIFO priority prio (0: leave the policy alone).
func (p Placement) Thread(cpu, prio int) error {
	return p.ThreadOn(cpuset.New(cpu), prio)
}

// ThreadOn places the calling OS thread (locked by the caller) on cpus: on
// isolated CPUs it first enters the isolated cpuset (cgroup v1; with v2
// Prepare moved the process into the partition).
func (p Placement) ThreadOn(cpus cpuset.CPUSet, prio int) error {
	if p.version == 1 && !cpus.IsEmpty() && cpus.IsSubsetOf(p.Isolated) {
		if err := p.enter(); err != nil {
			return fmt.Errorf("enter the isolated cpuset: %w", err)
		}
	}
	if err := unix.SchedSetaffinity(0, topology.AffinityMask(cpus)); err != nil {
		return fmt.Errorf("pin to cpus %s: %w", cpus, err)
	}
	if prio > 0 {
		attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: uint32(prio)}
		if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
			return fmt.Errorf("SCHED_FIFO priority %d: %w", prio, err)
		}
	}
	return nil
}

// enter moves the calling thread (v1) or process (v2) into rtnode's
// isolated cgroup.
func (p Placement) enter() error {
	g, err := loadCgroup(p.root, p.dir)
	if err != nil {
		return err
	}
	return g.enter(unix.Gettid(), os.Getpid())
}
