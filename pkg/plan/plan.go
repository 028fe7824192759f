// Package plan turns a machine and a profile into a Plan: the reserved and
// isolated CPU sets, the ordered runtime changes that get the host there
// (each with its current and desired value and why), hugepages per NUMA
// node with a feasibility check, and the kernel boot arguments that runtime
// changes cannot replace. It also holds rtnode's topology-aware CPU
// allocator. The package is pure: the machine comes in as data, the plan
// goes out as data; nothing is read or written.
package plan

import (
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Plan is what applying a profile to a machine means.
type Plan struct {
	// Profile is the profile's name.
	Profile  string
	Reserved cpuset.CPUSet
	Isolated cpuset.CPUSet
	// IRQTarget is where movable IRQs go (the reserved CPUs by default).
	IRQTarget cpuset.CPUSet
	// Actions are the runtime changes, in the order to apply them. Only
	// values that differ from the current ones are listed.
	Actions   []Action
	HugePages []HugePagesPlan
	BootArgs  BootArgs
	// Notes are warnings and adjustments the user should read.
	Notes []string
	// Managed lists every host path the profile decides, changed or
	// already as desired; apply gives paths it changed before and that are
	// no longer managed their original value back.
	Managed []string
}

// ActionKind names what an action changes.
type ActionKind string

// Action kinds, in the order the planner emits them.
const (
	KindCPUSet     ActionKind = "cpuset"
	KindTasks      ActionKind = "tasks"
	KindKthreads   ActionKind = "kthreads"
	KindDefaultIRQ ActionKind = "default-irq-affinity"
	KindIRQ        ActionKind = "irq-affinity"
	KindWorkqueue  ActionKind = "workqueue-mask"
	KindSysctl     ActionKind = "sysctl"
	KindTHP        ActionKind = "thp"
	KindHugePages  ActionKind = "hugepages"
	KindGovernor   ActionKind = "cpufreq-governor"
	KindIdleState  ActionKind = "cpuidle-state"
)

// Action is one runtime change. Target is the host path written (or, for
// cpusets, tasks and kthreads, the cgroup or group of threads concerned);
// From and To are values as people read them (cpulists for CPU sets, even
// where the file holds a hex mask). An empty From means the planner does not
// know the value (cgroup files rtnode creates or reads only when it applies).
type Action struct {
	Kind   ActionKind
	Target string
	From   string
	To     string
	Reason string
}

// HugePagesPlan is the hugepage pool of one size on one node.
type HugePagesPlan struct {
	Node    int
	SizeKiB int64
	From    int64
	To      int64
	// NeedBytes is the memory the increase takes, FreeBytes the node's
	// free memory; Feasible is false when the increase does not fit.
	NeedBytes int64
	FreeBytes int64
	Feasible  bool
}

// BootArgs is the advice on kernel arguments.
type BootArgs struct {
	// Recommended are the arguments the profile needs at boot.
	Recommended []string
	// Missing are the recommended arguments the running kernel was not
	// booted with, or was booted with another value of.
	Missing []MissingArg
}

// MissingArg is a recommended boot argument and what the kernel has.
type MissingArg struct {
	Arg string
	// Current is the running kernel's argument with the same key, or "".
	Current string
}

// Compute plans profile p on machine m. The error is a *profile.FieldError
// when the profile does not fit the machine.
func Compute(m *topology.Machine, p *profile.NodeProfile) (*Plan, error) {
	reserved, isolated, notes, err := Partition(m, &p.Spec.CPU)
	if err != nil {
		return nil, err
	}
	pl := &Plan{Profile: p.Metadata.Name, Reserved: reserved, Isolated: isolated, Notes: notes}
	if pl.IRQTarget, err = irqTarget(p, reserved); err != nil {
		return nil, err
	}
	hp, err := planHugePages(m, p, pl)
	if err != nil {
		return nil, err
	}
	pl.HugePages = hp
	pl.cpusetActions(m)
	pl.irqActions(m, p)
	pl.workqueueActions(m)
	pl.sysctlActions(m, p)
	pl.thpAction(m, p)
	for _, h := range hp {
		pl.knob(true, h.From == h.To, h.action())
	}
	pl.powerActions(m, p)
	pl.BootArgs = bootArgs(m, p, pl)
	return pl, nil
}

func (pl *Plan) add(a Action) {
	pl.Actions = append(pl.Actions, a)
	pl.manage(a.Target)
}

// knob plans one file the machine exposes (exposed false: nothing): the
// profile manages it, and a changes it unless it already holds a.To.
func (pl *Plan) knob(exposed, same bool, a Action) {
	if !exposed {
		return
	}
	pl.manage(a.Target)
	if !same {
		pl.Actions = append(pl.Actions, a)
	}
}

func (pl *Plan) manage(target string) { pl.Managed = append(pl.Managed, target) }

func (pl *Plan) note(s string) { pl.Notes = append(pl.Notes, s) }

// irqTarget resolves spec.irq.target against the reserved CPUs.
func irqTarget(p *profile.NodeProfile, reserved cpuset.CPUSet) (cpuset.CPUSet, error) {
	if p.Spec.IRQ.Target == profile.DefaultIRQTarget {
		return reserved, nil
	}
	set, err := topology.ParseCPUList(p.Spec.IRQ.Target)
	if err != nil {
		return set, profile.Errorf("spec.irq.target", "%v", err)
	}
	if extra := set.Difference(reserved); !extra.IsEmpty() {
		return set, profile.Errorf("spec.irq.target", "cpus %s are not reserved (reserved: %s)", extra, reserved)
	}
	return set, nil
}
