package apply

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/rtnode/rtnode/pkg/plan"
)

// cpuset applies one cpuset action, creating rtnode's cgroup first.
func (a *Applier) cpuset(act plan.Action) error {
	dir := path.Dir(act.Target)
	if strings.HasPrefix(path.Base(dir), "rtnode-") {
		if err := a.ensureCgroup(dir); err != nil {
			return err
		}
	}
	switch path.Base(act.Target) {
	case "cpuset.cpus", "cpuset.cpus.exclusive":
		return a.set(act, act.To, sameList, verbatim)
	case "cpuset.cpus.partition":
		return a.partition(act)
	}
	return a.set(act, act.To, sameWords, verbatim)
}

// ensureCgroup creates an rtnode cgroup below a cpuset hierarchy; with v2
// it first enables the cpuset controller for the parent's children.
func (a *Applier) ensureCgroup(dir string) error {
	if a.root.Exists(dir) {
		return nil
	}
	parent := path.Dir(dir)
	if unified(a.root, parent) {
		if err := a.enableCpusetController(parent); err != nil {
			return err
		}
	}
	if err := a.j.Record(Entry{Op: OpCreated, Path: dir}); err != nil {
		return err
	}
	if err := createCgroup(a.root, dir); err != nil {
		return fmt.Errorf("create cgroup %s: %w", dir, err)
	}
	a.rep.Changed = append(a.rep.Changed, Change{plan.KindCPUSet, dir, "", "created"})
	return nil
}

// enableCpusetController adds +cpuset to a v2 parent's subtree_control.
func (a *Applier) enableCpusetController(parent string) error {
	file := path.Join(parent, "cgroup.subtree_control")
	raw, err := a.readRaw(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if slices.Contains(strings.Fields(raw), "cpuset") {
		return nil
	}
	if err := a.journalOriginal(file, raw, func(string) (string, bool) { return "-cpuset", false }); err != nil {
		return err
	}
	return a.write("+cpuset", file)
}

// partition makes a v2 cgroup an isolated partition and reads back the
// kernel's verdict ("isolated invalid (reason)" when it refuses).
func (a *Applier) partition(act plan.Action) error {
	if err := a.write(act.To, act.Target); err != nil {
		return err
	}
	got, err := a.root.ReadString(act.Target)
	if err != nil {
		return fmt.Errorf("read %s: %w", act.Target, err)
	}
	if got != act.To {
		return fmt.Errorf("the kernel did not make %s a partition: it reads %q", path.Dir(act.Target), got)
	}
	a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, "member", act.To})
	return nil
}

// removeCgroup moves a created cgroup's tasks to its parent and removes
// it, retrying while tasks fork in.
func (a *Applier) removeCgroup(e Entry) error {
	if !a.root.Exists(e.Path) {
		return nil
	}
	g, err := loadCgroup(a.root, e.Path)
	if err != nil {
		return err
	}
	for try := 0; ; try++ {
		if err = g.empty(); err == nil {
			if err = g.remove(); err == nil || errors.Is(err, fs.ErrNotExist) {
				return nil
			}
		}
		if try == 50 {
			return fmt.Errorf("remove cgroup %s: %w", e.Path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
