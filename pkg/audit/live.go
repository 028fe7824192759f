package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rtnode/rtnode/pkg/discover"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

// tasksOnIsolated reports user tasks and movable kernel threads allowed on
// isolated CPUs outside rtnode's isolated cpuset (where real-time work
// belongs).
func tasksOnIsolated(root hostfs.Root, pl *plan.Plan) []Finding {
	pids, _ := root.ReadDirNames("proc")
	var names []string
	for _, p := range pids {
		if _, err := strconv.Atoi(p); err != nil {
			continue
		}
		tids, _ := root.ReadDirNames("proc", p, "task")
		for _, tid := range tids {
			if name, ok := onIsolated(root, p, tid, pl); ok {
				names = append(names, fmt.Sprintf("%s(%s)", name, tid))
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	shown := names
	if len(shown) > 8 {
		shown = append(shown[:8:8], "…")
	}
	return []Finding{{"tasks-on-isolated", Error, fmt.Sprintf("%d tasks and movable kernel threads may run on isolated cpus %s: %s",
		len(names), pl.Isolated, strings.Join(shown, " "))}}
}

func onIsolated(root hostfs.Root, pid, tid string, pl *plan.Plan) (string, bool) {
	status, err := root.ReadString("proc", pid, "task", tid, "status")
	if err != nil {
		return "", false
	}
	name, allowed := discover.StatusField(status, "Name"), discover.StatusField(status, "Cpus_allowed_list")
	set, err := topology.ParseCPUList(allowed)
	if err != nil || set.Intersection(pl.Isolated).IsEmpty() {
		return "", false
	}
	if cs, _ := root.ReadString("proc", pid, "task", tid, "cpuset"); strings.Contains(cs, plan.IsolatedCgroup) {
		return "", false
	}
	if stat, err := root.ReadString("proc", pid, "task", tid, "stat"); err == nil {
		if t, err := discover.ParseStat(stat); err == nil && t.Kthread() && t.Pinned() {
			return "", false // per-CPU kernel threads belong to their CPU
		}
	}
	return name, true
}

// irqbalance reports a running irqbalance that does not leave the isolated
// CPUs alone: it would move IRQs back onto them.
func irqbalance(root hostfs.Root, pl *plan.Plan) []Finding {
	ib, running := discover.FindIRQBalance(root)
	if !running || !ib.Undoes(pl.Isolated) {
		return nil
	}
	return []Finding{{"irqbalance", Error, ib.Advice(pl.Isolated)}}
}

// steal samples /proc/stat and reports isolated CPUs whose time the
// hypervisor stole.
func steal(ctx context.Context, root hostfs.Root, pl *plan.Plan, opts Options) []Finding {
	a, err := root.ReadString("proc", "stat")
	if err != nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(opts.StealWindow):
	}
	b, err := root.ReadString("proc", "stat")
	if err != nil {
		return nil
	}
	before, after := discover.ParseCPUTimes(a), discover.ParseCPUTimes(b)
	var out []Finding
	for _, cpu := range pl.Isolated.List() {
		x, y := before[cpu], after[cpu]
		if y.Total <= x.Total {
			continue
		}
		share := float64(y.Steal-x.Steal) / float64(y.Total-x.Total)
		if share > opts.StealLimit {
			out = append(out, Finding{"steal", Warning, fmt.Sprintf("the hypervisor stole %.1f%% of isolated cpu %d over %s: a virtual machine cannot meet hard real-time targets", share*100, cpu, opts.StealWindow)})
		}
	}
	return out
}
