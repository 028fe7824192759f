package apply

import (
	"fmt"
	"strconv"
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

// compactAttempts is how often hugepages retries after compacting memory.
const compactAttempts = 3

// hugepages sets a node's pool. When memory is fragmented the kernel
// allocates fewer pages than asked: compact and retry, then report the
// shortfall precisely.
func (a *Applier) hugepages(act plan.Action) error {
	want, err := strconv.ParseInt(act.To, 10, 64)
	if err != nil {
		return fmt.Errorf("hugepages count %q: %w", act.To, err)
	}
	raw, err := a.readRaw(act.Target)
	if err != nil {
		return fmt.Errorf("read %s: %w", act.Target, err)
	}
	if sameInt(raw, act.To) {
		return nil
	}
	if err := a.journalOriginal(act.Target, raw, verbatim); err != nil {
		return err
	}
	var got int64
	for try := 0; ; try++ {
		if err := a.write(act.To, act.Target); err != nil {
			return err
		}
		s, _ := a.root.ReadString(act.Target)
		got, _ = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if got >= want || try == compactAttempts {
			break
		}
		_ = a.root.WriteFile("1", "/proc/sys/vm/compact_memory")
	}
	a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, strings.TrimSpace(raw), strconv.FormatInt(got, 10)})
	if got < want {
		size := pageSizeKiB(act.Target)
		return fmt.Errorf("got %d of %d pages after compacting %d times: short %d pages (%d MiB)",
			got, want, compactAttempts, want-got, (want-got)*size>>10)
	}
	return nil
}

// pageSizeKiB reads the size out of ".../hugepages-2048kB/nr_hugepages".
func pageSizeKiB(target string) int64 {
	i := strings.Index(target, "hugepages-")
	if i < 0 {
		return 0
	}
	rest := target[i+len("hugepages-"):]
	n, _ := strconv.ParseInt(rest[:strings.Index(rest+"k", "k")], 10, 64)
	return n
}
