package topology

import "k8s.io/utils/cpuset"

// Kernel holds the running kernel's facts that matter for real-time tuning.
type Kernel struct {
	// Release is `uname -r`; Version is /proc/version.
	Release string
	Version string
	// Preempt is the preemption model: "rt", "full", "dynamic",
	// "voluntary", "none", or empty when unknown.
	Preempt string
	// Cmdline is /proc/cmdline as read.
	Cmdline string
	// Isolcpus is the isolcpus= argument.
	Isolcpus Isolcpus
	// NoHZFull, RCUNoCBs and IRQAffinity are the sets named by nohz_full=,
	// rcu_nocbs= and irqaffinity= on the command line.
	NoHZFull    cpuset.CPUSet
	RCUNoCBs    cpuset.CPUSet
	IRQAffinity cpuset.CPUSet
}

// PreemptRT reports whether the kernel is a PREEMPT_RT kernel.
func (k *Kernel) PreemptRT() bool { return k.Preempt == "rt" }

// Isolcpus is the parsed isolcpus= boot argument.
type Isolcpus struct {
	// Flags are the flags before the list: "nohz", "domain", "managed_irq".
	Flags []string
	CPUs  cpuset.CPUSet
}

// CgroupMode is how the cgroup hierarchies are mounted.
type CgroupMode string

// Cgroup modes.
const (
	CgroupV1     CgroupMode = "v1"
	CgroupHybrid CgroupMode = "hybrid"
	CgroupV2     CgroupMode = "v2"
)

// Cgroup holds the cgroup mount facts.
type Cgroup struct {
	// Mode is empty when no cgroup file system is mounted.
	Mode CgroupMode
	// CPUSetMount is where the cpuset controller is reachable, and
	// CPUSetVersion is 1 or 2 (0 when not mounted).
	CPUSetMount   string
	CPUSetVersion int
	// UnifiedMount is the cgroup2 mount point, if any.
	UnifiedMount string
	// Files holds the current content of the cpuset files rtnode manages
	// (its own cgroups' and the root's), by host path; absent files are
	// not listed.
	Files map[string]string
}
