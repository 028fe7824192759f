// Package apply changes a live host as a plan says and undoes it exactly.
// Every original value is written to a journal and synced before the value
// changes; every write is read back. Applying twice changes nothing the
// second time; applying a changed profile changes only the difference and
// gives paths it no longer manages their original values; revert restores
// everything in reverse order and removes what rtnode created — also after
// a crash or kill -9 at any moment of an apply.
//
// All host access goes through a hostfs.Root, so the file knobs can be
// tested on synthetic trees; moving tasks and kernel threads needs the live
// root.
package apply

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/prometheus/procfs"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
)

// Options configure an Applier.
type Options struct {
	// StateDir holds the journal (default /var/lib/rtnode).
	StateDir string
	// DryRun reports what would change and writes nothing, journal
	// included.
	DryRun bool
	// CrashAfter, when positive, kills the process with SIGKILL right after
	// that many host writes: the crash tests' hook.
	CrashAfter int
	Log        *slog.Logger
}

// DefaultStateDir is where the journal lives unless told otherwise.
const DefaultStateDir = "/var/lib/rtnode"

// Report says what an apply or revert did.
type Report struct {
	Changed []Change
	// Skipped are changes the kernel refuses (managed IRQs, pinned kernel
	// threads): reported, not fatal.
	Skipped []Problem
	// Failed are changes that should have worked and did not.
	Failed []Problem
	Notes  []string
}

// Change is one value changed (or, in a dry run, to change).
type Change struct {
	Kind   plan.ActionKind
	Target string
	From   string
	To     string
}

// Problem is a change that did not happen, and why.
type Problem struct {
	Target string
	Reason string
}

// Err returns an error summarising the failures, or nil.
func (r *Report) Err() error {
	if len(r.Failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d changes failed, first: %s: %s", len(r.Failed), r.Failed[0].Target, r.Failed[0].Reason)
}

// Applier makes changes on one host.
type Applier struct {
	root   hostfs.Root
	opts   Options
	j      *Journal
	log    *slog.Logger
	writes int
	rep    *Report
	// proc is the host's /proc, opened on first use.
	proc *procfs.FS
}

// New returns an Applier for root.
func New(root hostfs.Root, opts Options) *Applier {
	if opts.StateDir == "" {
		opts.StateDir = DefaultStateDir
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Applier{root: root, opts: opts, log: opts.Log}
}

// Apply makes the plan's changes. The error is non-nil when the journal
// cannot be written or a change failed; the report lists every change.
func (a *Applier) Apply(ctx context.Context, pl *plan.Plan) (*Report, error) {
	a.rep = &Report{}
	if !a.opts.DryRun {
		j, err := OpenJournal(a.opts.StateDir)
		if err != nil {
			return a.rep, err
		}
		a.j = j
		defer j.Close()
		if err := a.checkOwner(pl); err != nil {
			return a.rep, err
		}
		if err := a.restoreUnmanaged(pl); err != nil {
			return a.rep, err
		}
	}
	for _, act := range pl.Actions {
		if err := ctx.Err(); err != nil {
			return a.rep, err
		}
		if err := a.do(pl, act); err != nil {
			a.rep.Failed = append(a.rep.Failed, Problem{act.Target, err.Error()})
		}
	}
	if ib, running := discover.FindIRQBalance(a.root); running && ib.Undoes(pl.Isolated) {
		a.rep.Notes = append(a.rep.Notes, ib.Advice(pl.Isolated))
	}
	return a.rep, a.rep.Err()
}

// do dispatches one action.
func (a *Applier) do(pl *plan.Plan, act plan.Action) error {
	if a.opts.DryRun {
		a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, act.From, act.To})
		return nil
	}
	switch act.Kind {
	case plan.KindCPUSet:
		return a.cpuset(act)
	case plan.KindTasks:
		return a.moveTasks(act, pl)
	case plan.KindKthreads:
		return a.moveKthreads(act, pl)
	case plan.KindIRQ:
		return a.irq(act)
	case plan.KindDefaultIRQ, plan.KindWorkqueue:
		return a.set(act, maskValue(act.To), sameMask, verbatim)
	case plan.KindSysctl, plan.KindGovernor, plan.KindIdleState:
		return a.set(act, act.To, sameWords, verbatim)
	case plan.KindTHP:
		return a.set(act, act.To, sameChoice, selected)
	case plan.KindHugePages:
		return a.hugepages(act)
	}
	return fmt.Errorf("unknown action kind %q", act.Kind)
}

// set changes one file: journal the original, write, read back.
func (a *Applier) set(act plan.Action, value string, same func(raw, want string) bool, restore restorer) error {
	raw, err := a.readRaw(act.Target)
	if err != nil {
		return fmt.Errorf("read %s: %w", act.Target, err)
	}
	if same(raw, value) {
		return nil
	}
	if err := a.journalOriginal(act.Target, raw, restore); err != nil {
		return err
	}
	if err := a.write(value, act.Target); err != nil {
		return err
	}
	got, err := a.root.ReadString(act.Target)
	if err != nil || !same(got, value) {
		return fmt.Errorf("wrote %q to %s but it reads %q", value, act.Target, got)
	}
	a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, strings.TrimSpace(raw), value})
	return nil
}

// readRaw reads a file's exact content.
func (a *Applier) readRaw(p string) (string, error) {
	b, err := a.root.ReadFile(p)
	return string(b), err
}

// journalOriginal records a file's exact original content once, with what
// to write to give it back; files inside a directory rtnode created are not
// journaled (revert removes the directory).
func (a *Applier) journalOriginal(p, raw string, restore restorer) error {
	if a.j.Has(OpOriginal, p) || a.insideCreated(p) {
		return nil
	}
	r, choice := restore(raw)
	return a.j.Record(Entry{Op: OpOriginal, Path: p, Raw: raw, Restore: r, Choice: choice})
}

func (a *Applier) insideCreated(p string) bool {
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if a.j.Has(OpCreated, d) {
			return true
		}
	}
	return false
}

// write writes one value and counts it for the crash hook.
func (a *Applier) write(value, target string) error {
	err := a.root.WriteFile(value, target)
	a.counted()
	return err
}

// counted counts one change to the host; the crash tests' hook kills the
// process with SIGKILL after Options.CrashAfter of them.
func (a *Applier) counted() {
	a.writes++
	if a.opts.CrashAfter > 0 && a.writes >= a.opts.CrashAfter {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
}

// checkOwner refuses to tune a host whose rtnode cgroups exist while this
// journal is empty: another state directory (another rtnode) tuned it, and
// journaling its values as originals would make revert restore a tuned
// host.
func (a *Applier) checkOwner(pl *plan.Plan) error {
	if len(a.j.Entries()) > 0 {
		return nil
	}
	for _, p := range pl.Managed {
		dir := path.Dir(p)
		if strings.HasPrefix(path.Base(dir), "rtnode-") && a.root.Exists(dir) {
			return fmt.Errorf("%s exists but the journal in %s is empty: another rtnode state directory tuned this host; revert with that one first", dir, a.opts.StateDir)
		}
	}
	return nil
}

// restoreUnmanaged gives journaled paths the new plan no longer manages
// their original values, so a changed profile changes only the difference.
func (a *Applier) restoreUnmanaged(pl *plan.Plan) error {
	managed := map[string]bool{}
	for _, p := range pl.Managed {
		managed[p] = true
	}
	for _, e := range a.j.Entries() {
		if e.Op != OpOriginal || managed[e.Path] || !a.j.Has(OpOriginal, e.Path) || isCgroupPath(e.Path) {
			continue
		}
		if err := a.restore(e); err != nil {
			a.rep.Failed = append(a.rep.Failed, Problem{e.Path, err.Error()})
			continue
		}
		if err := a.j.Record(Entry{Op: OpRestored, Path: e.Path}); err != nil {
			return err
		}
		a.rep.Changed = append(a.rep.Changed, Change{"restore", e.Path, "", strings.TrimSpace(e.Raw)})
	}
	return nil
}

// isCgroupPath tells cgroup files, which the cpuset actions own as a
// whole, from single knobs.
func isCgroupPath(p string) bool {
	return strings.Contains(p, "/cgroup") || strings.HasPrefix(p, "/dev/cpuset")
}

// restore writes an original value back unless the file already has it,
// and checks it reads exactly as it did (a choice file, which the kernel
// renders, by its selected word).
func (a *Applier) restore(e Entry) error {
	raw, err := a.readRaw(e.Path)
	if err != nil {
		return fmt.Errorf("read %s: %w", e.Path, err)
	}
	if raw == e.Raw {
		return nil
	}
	if err := a.root.WriteFile(e.Restore, e.Path); err != nil {
		return err
	}
	got, _ := a.readRaw(e.Path)
	if got != e.Raw && !(e.Choice && discover.SelectedMode(got) == e.Restore) {
		return fmt.Errorf("restored %s to %q but it reads %q", e.Path, strings.TrimSpace(e.Restore), strings.TrimSpace(got))
	}
	return nil
}
