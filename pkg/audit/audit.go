// Package audit compares a host with a profile and answers "why is my
// latency bad": drift from the plan (IRQs, sysctls, THP, cpusets,
// hugepages), IRQs and movable tasks on isolated CPUs, irqbalance undoing
// rtnode's work, missing boot arguments, a kernel without PREEMPT_RT,
// hypervisor steal, and SMT siblings shared between housekeeping and
// isolated CPUs. Host reads go through a hostfs.Root.
package audit

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Severity of a finding.
const (
	Error   = "error"
	Warning = "warning"
)

// Finding is one reason the host may miss its latency targets.
type Finding struct {
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Options tune an audit.
type Options struct {
	// StealWindow is how long hypervisor steal is sampled; zero or less
	// skips the check.
	StealWindow time.Duration
	// StealLimit is the steal share (0-1) above which an isolated CPU is
	// reported (default 0.01).
	StealLimit float64
}

// Run audits the machine m against the plan pl computed for it.
func Run(ctx context.Context, root hostfs.Root, m *topology.Machine, pl *plan.Plan, opts Options) []Finding {
	if opts.StealLimit == 0 {
		opts.StealLimit = 0.01
	}
	var out []Finding
	onIsolated, irqFindings := irqsOnIsolated(m, pl)
	out = append(out, drift(pl, onIsolated)...)
	out = append(out, irqFindings...)
	out = append(out, smtShared(m, pl)...)
	out = append(out, kernel(m, pl)...)
	if root.Live() {
		out = append(out, tasksOnIsolated(root, pl)...)
		out = append(out, irqbalance(root, pl)...)
		if opts.StealWindow > 0 {
			out = append(out, steal(ctx, root, pl, opts)...)
		}
	}
	return out
}

// drift reports every change the plan still wants: what apply would do is
// what the host lacks. Task and kernel-thread moves are checked by
// tasksOnIsolated, IRQs already reported on isolated CPUs are not repeated.
func drift(pl *plan.Plan, irqOnIsolated map[string]bool) []Finding {
	var out []Finding
	for _, a := range pl.Actions {
		if a.Kind == plan.KindTasks || a.Kind == plan.KindKthreads || irqOnIsolated[a.Target] {
			continue
		}
		check, msg := "drift", fmt.Sprintf("%s is %s, the profile wants %s (%s)", a.Target, orUnset(a.From), a.To, a.Reason)
		switch a.Kind {
		case plan.KindCPUSet:
			check, msg = "isolation", fmt.Sprintf("cpus %s are not isolated at runtime: %s is not %s (run rtnode apply)", pl.Isolated, a.Target, a.To)
		case plan.KindIRQ, plan.KindDefaultIRQ:
			check = "irq-affinity"
		case plan.KindHugePages:
			check = "hugepages"
			if m, ok := hugePagesMessage(pl, a.Target); ok {
				msg = m
			}
		}
		out = append(out, Finding{check, Error, msg})
	}
	return dedupe(out)
}

// hugePagesMessage says how far the pool behind target is from the
// profile, in pages and MiB.
func hugePagesMessage(pl *plan.Plan, target string) (string, bool) {
	for _, h := range pl.HugePages {
		if plan.HugePagesPath(h.Node, h.SizeKiB) != target {
			continue
		}
		size := profile.FormatSize(h.SizeKiB)
		if h.From < h.To {
			return fmt.Sprintf("node %d holds %d of the %d %s hugepages the profile wants: %s",
				h.Node, h.From, h.To, size, plan.Shortfall(h.To-h.From, h.SizeKiB)), true
		}
		return fmt.Sprintf("node %d holds %d %s hugepages, the profile wants %d", h.Node, h.From, size, h.To), true
	}
	return "", false
}

// dedupe keeps one isolation finding: the cpuset actions say one thing.
func dedupe(in []Finding) []Finding {
	var out []Finding
	seen := false
	for _, f := range in {
		if f.Check == "isolation" {
			if seen {
				continue
			}
			seen = true
		}
		out = append(out, f)
	}
	return out
}

// irqsOnIsolated reports IRQs whose effective affinity includes isolated
// CPUs, movable or not, and returns their affinity files.
func irqsOnIsolated(m *topology.Machine, pl *plan.Plan) (map[string]bool, []Finding) {
	var out []Finding
	files := map[string]bool{}
	for _, q := range m.IRQs {
		on := q.EffectiveAffinity
		if on.IsEmpty() {
			on = q.Affinity
		}
		hit := on.Intersection(pl.Isolated)
		if hit.IsEmpty() {
			continue
		}
		var served uint64
		for _, c := range hit.UnsortedList() {
			served += q.Counts[c]
		}
		why := fmt.Sprintf("affinity %s", q.Affinity)
		if q.Affinity.Intersection(pl.Isolated).IsEmpty() {
			why += "; the kernel moves it at its next interrupt"
		} else if !q.Affinity.Equals(pl.IRQTarget) {
			why += "; the kernel may refuse to move it (managed irq): rtnode apply reports those"
		}
		files[fmt.Sprintf("/proc/irq/%d/smp_affinity_list", q.Number)] = true
		out = append(out, Finding{"irq-on-isolated", Error, fmt.Sprintf("irq %d (%s) is delivered to isolated cpus %s (%d interrupts there so far; %s)",
			q.Number, strings.TrimSpace(q.Name), hit, served, why)})
	}
	return files, out
}

// smtShared reports isolated CPUs whose SMT siblings do housekeeping: the
// sibling's work steals the core's execution units.
func smtShared(m *topology.Machine, pl *plan.Plan) []Finding {
	var out []Finding
	for _, id := range pl.Isolated.List() {
		if shared := m.SiblingsOf(id).Intersection(pl.Reserved); !shared.IsEmpty() {
			out = append(out, Finding{"smt-shared", Warning, fmt.Sprintf("isolated cpu %d shares its core with housekeeping cpus %s", id, shared)})
		}
	}
	return out
}

// kernel reports a kernel without PREEMPT_RT and missing boot arguments.
func kernel(m *topology.Machine, pl *plan.Plan) []Finding {
	var out []Finding
	if !m.Kernel.PreemptRT() {
		out = append(out, Finding{"kernel", Warning, fmt.Sprintf("kernel %s is not PREEMPT_RT (preempt %s): worst-case latency is not bounded", m.Kernel.Release, orUnset(m.Kernel.Preempt))})
	}
	for _, a := range pl.BootArgs.Missing {
		msg := "boot argument " + a.Arg + " is missing"
		if a.Current != "" {
			msg = fmt.Sprintf("boot argument %s differs: booted with %s", a.Arg, a.Current)
		}
		out = append(out, Finding{"boot-args", Warning, msg})
	}
	return out
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

// Sorted returns the findings, errors first.
func Sorted(f []Finding) []Finding {
	out := append([]Finding(nil), f...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity == Error && out[j].Severity != Error })
	return out
}
