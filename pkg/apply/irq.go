package apply

import (
	"fmt"
	"strings"

	"github.com/rtnode/rtnode/pkg/plan"
)

// irq sets one IRQ's affinity. The kernel refuses to move managed IRQs
// (their affinity is fixed by the driver, like virtio-blk's queues): that
// is reported as skipped, not as a failure.
func (a *Applier) irq(act plan.Action) error {
	raw, err := a.readRaw(act.Target)
	if err != nil {
		a.rep.Skipped = append(a.rep.Skipped, Problem{act.Target, "irq is gone: " + err.Error()})
		return nil
	}
	if sameList(raw, act.To) {
		return nil
	}
	if err := a.journalOriginal(act.Target, raw, verbatim); err != nil {
		return err
	}
	if err := a.write(act.To, act.Target); err != nil {
		a.rep.Skipped = append(a.rep.Skipped, Problem{act.Target, "the kernel refuses to move this irq (managed or per-cpu): " + err.Error()})
		return nil
	}
	if got, _ := a.root.ReadString(act.Target); !sameList(got, act.To) {
		return fmt.Errorf("wrote %s to %s but it reads %q", act.To, act.Target, got)
	}
	a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, strings.TrimSpace(raw), act.To})
	return nil
}
