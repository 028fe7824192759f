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
	name, allowed := statusField(status, "Name:"), statusField(status, "Cpus_allowed_list:")
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
	a, err := readSteal(root)
	if err != nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(opts.StealWindow):
	}
	b, err := readSteal(root)
	if err != nil {
		return nil
	}
	var out []Finding
	for _, cpu := range pl.Isolated.List() {
		x, y := a[cpu], b[cpu]
		total := y.total - x.total
		if total == 0 {
			continue
		}
		share := float64(y.steal-x.steal) / float64(total)
		if share > opts.StealLimit {
			out = append(out, Finding{"steal", Warning, fmt.Sprintf("the hypervisor stole %.1f%% of isolated cpu %d over %s: a virtual machine cannot meet hard real-time targets", share*100, cpu, opts.StealWindow)})
		}
	}
	return out
}

type cpuTimes struct{ steal, total uint64 }

// readSteal reads the per-CPU steal and total jiffies of /proc/stat.
func readSteal(root hostfs.Root) (map[int]cpuTimes, error) {
	s, err := root.ReadString("proc", "stat")
	if err != nil {
		return nil, err
	}
	out := map[int]cpuTimes{}
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		id, err := strconv.Atoi(f[0][3:])
		if err != nil {
			continue
		}
		var t cpuTimes
		for i, v := range f[1:] {
			n, _ := strconv.ParseUint(v, 10, 64)
			if i < 8 { // user..steal; guest time is already in user
				t.total += n
			}
			if i == 7 {
				t.steal = n
			}
		}
		out[id] = t
	}
	return out, nil
}

func statusField(status, key string) string {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, key); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
