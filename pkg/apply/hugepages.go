package apply

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rtnode/rtnode/pkg/plan"
)

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
	got, err := fillPool(want, pageSizeKiB(act.Target),
		func() (int64, error) {
			if err := a.write(act.To, act.Target); err != nil {
				return 0, err
			}
			s, _ := a.root.ReadString(act.Target)
			return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		},
		func() { _ = a.root.WriteFile("1", "/proc/sys/vm/compact_memory") })
	if got >= 0 {
		a.rep.Changed = append(a.rep.Changed, Change{act.Kind, act.Target, strings.TrimSpace(raw), strconv.FormatInt(got, 10)})
	}
	return err
}

// fillPool asks for want pages of sizeKiB with set, which returns how many
// the pool then holds; while it holds fewer it compacts memory and asks
// again, compactAttempts times. It returns the final count (-1 when set
// failed before any count was read) and, on a shortfall, an error naming
// the pages and MiB missing.
func fillPool(want, sizeKiB int64, set func() (int64, error), compact func()) (int64, error) {
	got := int64(-1)
	for try := 0; ; try++ {
		n, err := set()
		if err != nil {
			return got, err
		}
		got = n
		if got >= want || try == compactAttempts {
			break
		}
		compact()
	}
	if got < want {
		return got, fmt.Errorf("got %d of %d pages after compacting %d times: %s",
			got, want, compactAttempts, plan.Shortfall(want-got, sizeKiB))
	}
	return got, nil
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
