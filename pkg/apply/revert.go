package apply

import (
	"context"
	"strings"

	"github.com/rtnode/rtnode/pkg/plan"
)

// Revert restores everything the journal records: kernel thread
// affinities first (kernel threads started while reverting, like
// khugepaged when THP comes back, inherit kthreadd's), then, newest first,
// file values and rtnode's cgroups (tasks moved back, directories
// removed), then task affinities (a cgroup move resets them). The journal
// is removed when everything was restored.
func (a *Applier) Revert(ctx context.Context) (*Report, error) {
	a.rep = &Report{}
	j, err := OpenJournal(a.opts.StateDir)
	if err != nil {
		return a.rep, err
	}
	a.j = j
	entries := j.Entries()
	if len(entries) == 0 {
		a.rep.Notes = append(a.rep.Notes, "nothing to revert: the journal is empty")
		return a.rep, j.Remove()
	}
	a.revertAffinities(entries, true)
	done := map[string]bool{}
	for i := len(entries) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return a.rep, err
		}
		a.revertEntry(entries[i], done)
	}
	a.revertAffinities(entries, false)
	if err := a.rep.Err(); err != nil {
		j.Close()
		return a.rep, err
	}
	return a.rep, j.Remove()
}

// revertEntry undoes one record; done holds the paths already given back
// (a path journaled, restored and journaled again is restored once, to
// its first original).
func (a *Applier) revertEntry(e Entry, done map[string]bool) {
	switch e.Op {
	case OpRestored:
		done[e.Path] = false
	case OpOriginal:
		if done[e.Path] || a.insideCreated(e.Path) {
			return
		}
		done[e.Path] = true
		if err := a.restore(e); err != nil {
			a.rep.Failed = append(a.rep.Failed, Problem{e.Path, err.Error()})
			return
		}
		a.rep.Changed = append(a.rep.Changed, Change{"restore", e.Path, "", strings.TrimSpace(e.Raw)})
	case OpCreated:
		if err := a.removeCgroup(e); err != nil {
			a.rep.Failed = append(a.rep.Failed, Problem{e.Path, err.Error()})
			return
		}
		a.rep.Changed = append(a.rep.Changed, Change{plan.KindCPUSet, e.Path, "", "removed"})
	}
}

// revertAffinities restores the journaled affinities of kernel threads or
// of tasks, newest first.
func (a *Applier) revertAffinities(entries []Entry, kthreads bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if e := entries[i]; e.Op == OpAffinity && e.Kthread == kthreads {
			if err := a.restoreAffinity(e); err != nil {
				a.rep.Failed = append(a.rep.Failed, Problem{e.Path, err.Error()})
			}
		}
	}
}
