package apply

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

// moveTasks moves every user-space task and thread of the root cpuset into
// rtnode's housekeeping cpuset (cgroup v1); their children are born there.
// Tasks in other cgroups (kubelet's pods) are left to their owners.
// Threads pinned to other CPUs than the root's keep their affinity on
// revert: it is journaled first.
func (a *Applier) moveTasks(act plan.Action, pl *plan.Plan) error {
	if !a.root.Live() {
		a.rep.Notes = append(a.rep.Notes, "tasks: moving tasks needs the live host root; skipped")
		return nil
	}
	dir := path.Dir(act.Target)
	if err := a.ensureCgroup(dir); err != nil {
		return err
	}
	parent := path.Dir(dir)
	all, err := a.cpusOf(parent)
	if err != nil {
		return err
	}
	raw, err := a.root.ReadString(parent, "tasks")
	if err != nil {
		return fmt.Errorf("read %s/tasks: %w", parent, err)
	}
	moved := 0
	for _, f := range strings.Fields(raw) {
		tid, _ := strconv.Atoi(f)
		info, err := a.thread(tid)
		if err != nil || info.Kthread() {
			continue
		}
		if err := a.journalAffinity(tid, info.Comm, all); err != nil {
			return err
		}
		if err := a.write(f, act.Target); err != nil {
			if !errors.Is(err, unix.ESRCH) {
				a.rep.Skipped = append(a.rep.Skipped, Problem{fmt.Sprintf("task %d (%s)", tid, info.Comm), err.Error()})
			}
			continue
		}
		moved++
	}
	if moved > 0 {
		a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, "", fmt.Sprintf("%d tasks and threads moved to cpus %s", moved, pl.Reserved)})
	}
	return nil
}

// journalAffinity records a thread's affinity when it is narrower than its
// cgroup's, since moving cgroups resets it.
func (a *Applier) journalAffinity(tid int, comm string, cgroupCPUs cpuset.CPUSet) error {
	var mask unix.CPUSet
	if err := unix.SchedGetaffinity(tid, &mask); err != nil {
		return nil
	}
	cur := topology.AffinityCPUs(&mask)
	if cur.Equals(cgroupCPUs) || a.j.HasAffinity(tid) {
		return nil
	}
	return a.j.Record(Entry{Op: OpAffinity, PID: tid, Path: comm, CPUs: cur.String()})
}

// moveKthreads gives every kernel thread that may move the reserved CPUs;
// per-CPU kernel threads are pinned and are listed in a note.
func (a *Applier) moveKthreads(act plan.Action, pl *plan.Plan) error {
	if !a.root.Live() {
		a.rep.Notes = append(a.rep.Notes, "kthreads: moving kernel threads needs the live host root; skipped")
		return nil
	}
	fs, err := a.procFS()
	if err != nil {
		return err
	}
	pids, err := discover.PIDs(fs)
	if err != nil {
		return fmt.Errorf("list /proc: %w", err)
	}
	moved, pinned := 0, map[string]int{}
	for _, pid := range pids {
		info, err := a.thread(pid)
		if err != nil || !info.Kthread() {
			continue
		}
		if info.Pinned() {
			pinned[kthreadFamily(info.Comm)]++
			continue
		}
		ok, err := a.setAffinity(info, pl.Reserved)
		if err != nil {
			return err
		}
		if ok {
			moved++
		}
	}
	if moved > 0 {
		a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, "", fmt.Sprintf("%d kernel threads moved to cpus %s", moved, pl.Reserved)})
	}
	if len(pinned) > 0 {
		a.rep.Notes = append(a.rep.Notes, "kthreads pinned per cpu by the kernel (they stay): "+summarize(pinned))
	}
	return nil
}

// setAffinity journals and changes one kernel thread's affinity.
func (a *Applier) setAffinity(info discover.Thread, to cpuset.CPUSet) (bool, error) {
	var mask unix.CPUSet
	if err := unix.SchedGetaffinity(info.TID, &mask); err != nil {
		return false, nil
	}
	cur := topology.AffinityCPUs(&mask)
	if cur.Equals(to) {
		return false, nil
	}
	if !a.j.HasAffinity(info.TID) {
		if err := a.j.Record(Entry{Op: OpAffinity, PID: info.TID, Path: info.Comm, CPUs: cur.String(), Kthread: true}); err != nil {
			return false, err
		}
	}
	err := unix.SchedSetaffinity(info.TID, topology.AffinityMask(to))
	a.counted()
	if err != nil {
		a.rep.Skipped = append(a.rep.Skipped, Problem{fmt.Sprintf("kthread %d (%s)", info.TID, info.Comm), err.Error()})
		return false, nil
	}
	return true, nil
}

// restoreAffinity gives a thread its journaled affinity back, if it is
// still the same thread.
func (a *Applier) restoreAffinity(e Entry) error {
	info, err := a.thread(e.PID)
	if err != nil || info.Comm != e.Path {
		return nil // gone, or the PID was reused
	}
	set, err := topology.ParseCPUList(e.CPUs)
	if err != nil {
		return fmt.Errorf("journal affinity of %d: %w", e.PID, err)
	}
	if err := unix.SchedSetaffinity(e.PID, topology.AffinityMask(set)); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("restore affinity %s of %d (%s): %w", e.CPUs, e.PID, e.Path, err)
	}
	return nil
}

// thread reads /proc/TID/stat of the host.
func (a *Applier) thread(tid int) (discover.Thread, error) {
	fs, err := a.procFS()
	if err != nil {
		return discover.Thread{}, err
	}
	return discover.ReadThread(fs, tid)
}

// procFS opens the host's /proc once.
func (a *Applier) procFS() (procfs.FS, error) {
	if a.proc == nil {
		fs, err := discover.ProcFS(a.root)
		if err != nil {
			return procfs.FS{}, err
		}
		a.proc = &fs
	}
	return *a.proc, nil
}

func (a *Applier) cpusOf(cgroup string) (cpuset.CPUSet, error) {
	s, err := a.root.ReadString(cgroup, "cpuset.cpus")
	if err != nil {
		return cpuset.New(), fmt.Errorf("read %s/cpuset.cpus: %w", cgroup, err)
	}
	return topology.ParseCPUList(s)
}

// kthreadFamily groups "ksoftirqd/3" and "migration/0" by name.
func kthreadFamily(comm string) string {
	if i := strings.IndexByte(comm, '/'); i > 0 {
		return comm[:i]
	}
	return comm
}

func summarize(counts map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}
