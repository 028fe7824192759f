package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"
	"github.com/rtnode/rtnode/pkg/discover"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
)

// tasksOnIsolated reports user tasks and movable kernel threads allowed on
// isolated CPUs outside rtnode's isolated cpuset (where real-time work
// belongs).
func tasksOnIsolated(root hostfs.Root, pl *plan.Plan) []Finding {
	fs, err := discover.ProcFS(root)
	if err != nil {
		return nil
	}
	pids, _ := discover.PIDs(fs)
	var names []string
	for _, pid := range pids {
		tids, _ := discover.TIDs(fs, pid)
		for _, tid := range tids {
			if name, ok := onIsolated(root, fs, pid, tid, pl); ok {
				names = append(names, fmt.Sprintf("%s(%d)", name, tid))
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

// onIsolated returns a thread's name when it may run on isolated CPUs
// without being in rtnode's isolated cpuset or pinned there by the kernel.
func onIsolated(root hostfs.Root, fs procfs.FS, pid, tid int, pl *plan.Plan) (string, bool) {
	name, allowed, err := discover.ThreadCPUs(fs, pid, tid)
	if err != nil || allowed.Intersection(pl.Isolated).IsEmpty() {
		return "", false
	}
	if cs, _ := root.ReadString("proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "cpuset"); strings.Contains(cs, plan.IsolatedCgroup) {
		return "", false
	}
	if t, err := discover.ReadThread(fs, tid); err == nil && t.Kthread() && t.Pinned() {
		return "", false // per-CPU kernel threads belong to their CPU
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
	fs, err := discover.ProcFS(root)
	if err != nil {
		return nil
	}
	before, err := discover.ReadCPUTimes(fs)
	if err != nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(opts.StealWindow):
	}
	after, err := discover.ReadCPUTimes(fs)
	if err != nil {
		return nil
	}
	var out []Finding
	for _, cpu := range pl.Isolated.List() {
		x, y := before[cpu], after[cpu]
		if y.Total <= x.Total {
			continue
		}
		share := (y.Steal - x.Steal) / (y.Total - x.Total)
		if share > opts.StealLimit {
			out = append(out, Finding{"steal", Warning, fmt.Sprintf("the hypervisor stole %.1f%% of isolated cpu %d over %s: a virtual machine cannot meet hard real-time targets", share*100, cpu, opts.StealWindow)})
		}
	}
	return out
}
